"""Closed lists the user picks from. Each table gives the order of the numbered list and the
words that name each choice; the names shown come from the catalogue (`choice.<table>`), and
are understood too, in every language."""

from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import cached_property

from flows.catalogue import LANGUAGES, name, names
from flows.chat import number_in, plain
from flows.words import fold, pick_scored

GROUPS = "choice.problem_group"  # the headings choices are grouped under
SURE = 0.88  # a near spelling at least this near is taken; a less near one is asked about


@dataclass(frozen=True)
class Choices:
    table: str  # the catalogue's choice.<table>
    words: Mapping[str, tuple[str, ...]]  # key -> words that name it, in the list's order
    groups: Mapping[str, str] = field(default_factory=dict)  # key -> heading it is listed under
    cutoff: float = 0.8  # how near a misspelling must be

    def __len__(self) -> int:
        return len(self.words)

    def __iter__(self):
        return iter(self.words)

    def label(self, key: str, lang: str = "id") -> str:
        """The choice's name, with its group in brackets when it has one: "Sosial (eksternal)"."""
        text = name(f"choice.{self.table}", key, lang)
        if group := self.groups.get(key):
            return f"{text} ({name(GROUPS, group, lang)})"
        return text

    def labels(self, lang: str = "id") -> dict[str, str]:
        """Every key with its name, in the list's order (a form's options)."""
        return {key: self.label(key, lang) for key in self.words}

    def numbered(self, lang: str = "id") -> str:
        """ "1. …" per line, under a "_Heading:_" line wherever a new group starts."""
        labels, lines, heading = names(f"choice.{self.table}", lang), [], None
        for number, key in enumerate(self.words, 1):
            if (group := self.groups.get(key)) and group != heading:
                heading, title = group, name(GROUPS, group, lang)
                lines.append(f"_{title[:1].upper()}{title[1:]}:_")
            lines.append(f"{number}. {labels[key]}")
        return "\n".join(lines)

    def bullets(self, lang: str = "id") -> str:
        labels = names(f"choice.{self.table}", lang)
        return "\n".join(f"• {labels[key]}" for key in self.words)

    @cached_property
    def vocabulary(self) -> dict[str, tuple[str, ...]]:
        """Its own words and its names in every language."""
        shown = [names(f"choice.{self.table}", lang) for lang in LANGUAGES]
        return {key: (*words, *(each[key] for each in shown)) for key, words in self.words.items()}

    def side(self, text: str) -> str | None:
        """The group a reply names when it names only a group ("eksternal bu 🙏")."""
        said = plain(text)
        for group in dict.fromkeys(self.groups.values()):
            spellings = {fold(name(GROUPS, group, lang)) for lang in LANGUAGES} | {group}
            if said in spellings or said.replace("masalah ", "") in spellings:
                return group
        return None

    def numbered_group(self, group: str, lang: str = "id") -> str:
        """The group's choices with their numbers in the whole list ("5. Sosial", …)."""
        labels = names(f"choice.{self.table}", lang)
        return "\n".join(f"{number}. {labels[key]}" for number, key in enumerate(self.words, 1)
                         if self.groups.get(key) == group)  # fmt: skip

    def pick(self, text: str) -> str | None:
        """The key chosen by number ("3", "tiga", "yang ketiga", "no. 3"), word, name or near
        spelling, read plain ("mau daftar konsul bu 🙏"); None when unclear."""
        return self.read(text)[0]

    def read(self, text: str) -> tuple[str | None, bool]:
        """`pick`, and whether it is sure: a near spelling less near than SURE is a guess, to be
        asked about ("Maksud Anda *Manajemen dan Keuangan*?"), never taken silently."""
        if (found := pick_scored(text, self.vocabulary, self.cutoff)) is not None:
            return found[0], found[1] >= SURE
        if (chosen := number_in(text, len(self))) is not None:
            return list(self.words)[chosen - 1], True
        said = plain(text)
        found = pick_scored(said, self.vocabulary, self.cutoff) if said != fold(text) else None
        if said and found:
            return found[0], found[1] >= SURE
        return None, False


MAIN_MENU = Choices("menu", {
    "book": ("daftar", "daftar konsultasi", "pendaftaran", "konsultasi", "book", "booking",
             "register", "daftar e klinik", "mau daftar"),
    "status": ("cek status", "status", "cek", "cek pendaftaran", "check", "check status"),
    "manage": ("ubah", "ubah jadwal", "ganti jadwal", "jadwal ulang", "batalkan", "reschedule",
               "ubah jadwal batalkan"),
    "info": ("info", "informasi", "info klinik", "about", "klinik koperasi"),
    "admin": ("hubungi admin", "admin", "hubungi", "contact", "cs", "operator"),
}, cutoff=0.85)  # fmt: skip

COOP_KINDS = Choices("coop_kind", {
    "ksp": ("simpan pinjam", "ksp", "kredit", "savings", "loan"),
    "konsumen": ("konsumen", "consumer", "toko"),
    "produsen": ("produsen", "producer", "produksi"),
    "pemasaran": ("pemasaran", "marketing"),
    "jasa": ("jasa", "services", "service"),
    "kud": ("kud", "koperasi unit desa", "unit desa"),
    "kpri": ("kpri", "pegawai negeri", "pns", "civil"),
    "syariah": ("syariah", "kspps", "bmt", "sharia", "syirkah", "simpan pinjam syariah",
                "simpan pinjam dan pembiayaan syariah", "pembiayaan syariah"),
    "karyawan": ("karyawan", "kopkar", "pegawai", "employee", "employees"),
    "lainnya": ("lainnya", "lain", "other", "lain lain", "ksu", "serba usaha"),
})  # fmt: skip

ROLES = Choices("role", {
    "ketua": ("ketua", "chair", "chairman", "chairperson", "president", "ketum", "ketua umum"),
    "wakil_ketua": ("wakil ketua", "wakil", "waka", "waket", "wakil ketua umum", "vice chair",
                    "vice", "wk", "wkl", "wk ketua"),
    "sekretaris": ("sekretaris", "sekertaris", "sekretariat", "secretary", "sekre", "sekum",
                   "sekretaris umum"),
    "bendahara": ("bendahara", "treasurer", "bendum", "bendahara umum"),
    "pengurus": ("pengurus", "board", "board member"),
    "pengawas": ("pengawas", "supervisor", "badan pengawas"),
    "manajer": ("manajer", "manager", "gm"),
    "anggota": ("anggota", "member"),
})  # fmt: skip

TOPICS = Choices("topic", {
    "kelembagaan": ("kelembagaan", "organisasi", "lembaga", "institutions", "institution",
                    "organisation", "organization", "ad art", "adart", "anggaran dasar",
                    "rat", "rapat anggota", "legalitas", "badan hukum", "akta"),
    "pendampingan": ("pendampingan", "pendamping", "mentoring", "mentor", "didampingi",
                     "dampingi", "bimbingan", "dibimbing"),
    "keuangan": ("keuangan", "manajemen", "manajemen dan keuangan", "finance", "management",
                 "financial", "pembukuan", "laporan keuangan", "akuntansi", "modal",
                 "permodalan"),
    "usaha": ("usaha", "pengembangan usaha", "bisnis", "business", "business development",
              "pemasaran", "produk", "penjualan", "marketing"),
})  # fmt: skip

PROBLEM_AREAS = Choices("problem_area", {
    "keanggotaan": ("keanggotaan", "anggota", "membership", "keanggotaan internal"),
    "manajemen": ("manajemen", "management", "manajemen internal"),
    "keuangan": ("keuangan", "finance", "financial", "keuangan internal", "kredit macet",
                 "macet", "tunggakan", "menunggak"),
    "tata_kelola": ("tata kelola", "governance", "tatakelola", "tata kelola internal", "pengurus",
                    "rapat anggota", "rat"),
    "sosial": ("sosial", "social", "sosial eksternal"),
    "ekonomi": ("ekonomi", "economic", "economy", "ekonomi eksternal", "persaingan",
                "pesaing"),
    "budaya": ("budaya", "cultural", "culture", "budaya eksternal"),
}, groups={"keanggotaan": "internal", "manajemen": "internal", "keuangan": "internal",
           "tata_kelola": "internal", "sosial": "external", "ekonomi": "external",
           "budaya": "external"})  # fmt: skip

# "3. Ubah jadwal / batalkan", then: what to do with the chosen booking.
MANAGE_ACTIONS = Choices("manage", {
    "reschedule": ("jadwal", "ganti", "ubah", "reschedule", "jadwal lain"),
    "cancel": ("batal", "batalkan", "cancel"),
})  # fmt: skip

# UBAH at the summary: which item to change (flows/conversation/booking.py)
EDIT_CHOICES = Choices("edit", {
    "coop_name": ("nama", "koperasi", "name", "nama koperasi", "nama kop"),
    "nik": ("nik", "nomor induk", "no induk", "nomor induk koperasi"),
    "coop_kind": ("jenis", "kind", "type", "jenis koperasi", "tipe"),
    "kecamatan": ("kecamatan", "kec", "alamat", "lokasi"),
    "contact": ("narahubung", "kontak", "contact", "jabatan", "nama narahubung", "nama kontak",
                "nama saya", "nama pj", "penanggung jawab", "contact person", "role"),
    "topic": ("topik", "topic", "bidang"),
    "problem": ("masalah", "problem", "cerita", "keluhan"),
    "start": ("jadwal", "waktu", "tanggal", "tgl", "jam", "time", "date", "hari"),
})  # fmt: skip
