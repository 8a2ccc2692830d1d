"""The words of dates and times as cooperatives type them: month and day names, number words,
chat shorthand, and the filler words a time may come wrapped in (flows/dates.py reads them)."""

MONTHS = {
    "januari": 1, "jan": 1, "january": 1,
    "februari": 2, "pebruari": 2, "feb": 2, "peb": 2, "febuari": 2, "february": 2,
    "maret": 3, "mar": 3, "march": 3,
    "april": 4, "apr": 4,
    "mei": 5, "may": 5,
    "juni": 6, "jun": 6, "june": 6,
    "juli": 7, "jul": 7, "july": 7,
    "agustus": 8, "agu": 8, "agt": 8, "agst": 8, "agust": 8, "aug": 8, "august": 8,
    "september": 9, "sep": 9, "sept": 9, "spt": 9,
    "oktober": 10, "okt": 10, "oct": 10, "october": 10,
    "november": 11, "nopember": 11, "nov": 11, "nop": 11,
    "desember": 12, "des": 12, "dec": 12, "december": 12,
}  # fmt: skip

WEEKDAYS = {
    "senin": 0, "senen": 0, "sen": 0, "monday": 0, "mon": 0,
    "selasa": 1, "sel": 1, "slasa": 1, "tuesday": 1, "tue": 1, "tues": 1,
    "rabu": 2, "rebo": 2, "rab": 2, "wednesday": 2, "wed": 2,
    "kamis": 3, "kemis": 3, "kam": 3, "thursday": 3, "thu": 3, "thur": 3, "thurs": 3,
    "jumat": 4, "jum": 4, "jmt": 4, "jumaat": 4, "friday": 4, "fri": 4,
    "sabtu": 5, "sab": 5, "saturday": 5, "sat": 5,
    "minggu": 6, "ahad": 6, "sunday": 6, "sun": 6,
}  # fmt: skip

NUMBER_WORDS = {
    "se": 1, "satu": 1, "one": 1, "dua": 2, "two": 2, "tiga": 3, "three": 3,
    "empat": 4, "four": 4, "lima": 5, "five": 5, "enam": 6, "six": 6, "tujuh": 7, "seven": 7,
    "delapan": 8, "eight": 8, "sembilan": 9, "nine": 9, "sepuluh": 10, "ten": 10,
    "sebelas": 11, "eleven": 11, "duabelas": 12, "twelve": 12,
}  # fmt: skip

# Chat shorthand and common misspellings, rewritten before anything else is read.
SHORTHAND = {
    "bsk": "besok", "bsok": "besok", "besuk": "besok", "esok": "besok", "bok": "besok",
    "lsa": "lusa", "tomorrow": "besok", "tmrw": "besok", "tmr": "besok",
    "today": "hariini", "skrg": "hariini", "sekarang": "hariini", "this": "ini",
    "yesterday": "kemarin", "kmrn": "kemarin", "kmarin": "kemarin", "kemaren": "kemarin",
    "jm": "jam", "pk": "pukul", "pkl": "pukul", "puku": "pukul", "at": "jam",
    "tgl": "tgl", "tg": "tgl", "tggl": "tgl", "tngl": "tgl", "tanggal": "tgl", "tangal": "tgl",
    "date": "tgl", "the": "", "on": "",
    "dpn": "depan", "dpan": "depan", "dep": "depan", "next": "depan",
    "lg": "lagi", "lgi": "lagi", "later": "lagi", "in": "dalam",
    "hr": "hari", "hri": "hari", "days": "hari", "day": "hari",
    "mg": "minggu", "mgg": "minggu", "mggu": "minggu", "mingu": "minggu", "pekan": "minggu",
    "week": "minggu", "weeks": "minggu",
    "bln": "bulan", "month": "bulan", "months": "bulan",
    "thn": "tahun", "th": "tahun", "year": "tahun",
    "stgh": "setengah", "stg": "setengah", "half": "setengah",
    "pgi": "pagi", "morning": "pagi", "siank": "siang", "noon": "siang", "afternoon": "sore",
    "sre": "sore", "evening": "sore", "mlm": "malam", "night": "malam",
}  # fmt: skip

PARTS = ("pagi", "siang", "sore", "malam")
FILLER = frozenset(
    "saya aku kami mau ingin pengen bisa bisanya kalau kalo klo jika tolong mohon ya yah"
    " deh dong aja saja sj hari pada di ke nanti insyaallah insya allah sekitar kira sktr"
    " wib ini itu tsb untuk utk konsultasi jadwal sesi ok oke please i want would like to"
    " around about tgl an kak ka pak bu bapak ibu mas mbak min admin gan sih nih mungkin"
    " kayaknya sepertinya kira-kira ada kosong tersedia available free is it ok bisakah".split()
)

PHRASES = {
    "day after tomorrow": "lusa", "from now": "lagi", "dua belas": "12",
    "next week": "minggu depan", "this week": "minggu ini",
}  # fmt: skip
