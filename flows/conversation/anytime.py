"""Words that work at any step, and which language the user writes in. The words are read
plain (flows.chat.plain: "nggak jadi aja" is "tidak jadi saja", "kmbali" is "kembali")."""

from flows.words import fold

STOP = {"stop", "berhenti", "unsubscribe", "stop all", "stopall", "end", "quit"}
START = {"mulai", "start", "subscribe", "unstop", "mulai lagi", "mulai ulang", "ulang dari awal",
         "restart", "mulai dari awal"}  # fmt: skip
MENU = {"menu", "menu utama", "home", "main menu", "kembali ke menu", "balik ke menu", "ke menu",
        "balik menu", "kembali menu", "lihat menu"}  # fmt: skip
CANCEL = frozenset({"batal", "cancel", "btl", "batalkan pendaftaran", "batal daftar", "batalkan",
                    "batalin", "batal saja", "tidak jadi", "tidak jadi saja", "gajadi",
                    "tidak jadi daftar", "batal deh"})  # fmt: skip
BACK = {"kembali", "back", "balik", "sebelumnya", "previous", "mundur", "kembali sebelumnya",
        "ke sebelumnya", "pertanyaan sebelumnya"}  # fmt: skip
HELP = {"bantuan", "help", "bantu", "tolong", "info bantuan", "minta bantuan", "butuh bantuan"}

EN_MARKERS = {"hello", "please", "thanks", "thank", "book", "booking", "appointment", "english",
              "want", "would", "what", "how", "cooperative", "consultation", "schedule", "my",
              "the", "is", "i", "help", "check", "good", "morning", "evening"}  # fmt: skip
ID_MARKERS = {"halo", "selamat", "saya", "mau", "ingin", "tolong", "terima", "kasih", "koperasi",
              "daftar", "konsultasi", "pagi", "siang", "sore", "malam", "apa", "bagaimana",
              "bisa", "jadwal", "ya", "tidak", "yang", "dan", "di", "untuk", "kami"}  # fmt: skip
STRONG_EN = {"hello", "please", "thanks", "thank", "english", "book", "booking", "appointment",
             "consultation", "cooperative", "help"}  # fmt: skip


def detect_lang(text: str, current: str) -> str:
    """Switch language only on clear evidence; short answers ("ok", "1") keep the current one."""
    words = set(fold(text).split())
    english, indonesian = words & EN_MARKERS, words & ID_MARKERS
    if indonesian and not english:
        return "id"
    if english and not indonesian and (len(english) >= 2 or english & STRONG_EN):
        return "en"
    return current
