"""Closed lists the user picks from: key -> words that name it (the first is the label)."""

COOP_KINDS = {
    "ksp": ("Simpan pinjam (KSP)", "simpan pinjam", "ksp", "kredit", "savings", "loan"),
    "konsumen": ("Konsumen", "konsumen", "consumer", "toko"),
    "produsen": ("Produsen", "produsen", "producer", "produksi"),
    "pemasaran": ("Pemasaran", "pemasaran", "marketing"),
    "jasa": ("Jasa", "jasa", "services", "service"),
    "kud": ("KUD", "kud", "koperasi unit desa", "unit desa"),
    "kpri": ("KPRI", "kpri", "pegawai negeri", "pns", "civil"),
    "syariah": ("Syariah (KSPPS)", "syariah", "kspps", "bmt", "sharia", "syirkah"),
    "karyawan": ("Karyawan", "karyawan", "kopkar", "pegawai", "employee", "employees"),
    "lainnya": ("Lainnya", "lainnya", "lain", "other", "lain lain"),
}

ROLES = {
    "ketua": ("Ketua", "ketua", "chair", "chairman", "chairperson", "president"),
    "wakil_ketua": ("Wakil ketua", "wakil ketua", "wakil", "waka", "vice chair", "vice"),
    "sekretaris": ("Sekretaris", "sekretaris", "sekertaris", "sekretariat", "secretary"),
    "bendahara": ("Bendahara", "bendahara", "treasurer"),
    "pengurus": ("Pengurus", "pengurus", "board", "board member"),
    "pengawas": ("Pengawas", "pengawas", "supervisor", "badan pengawas"),
    "manajer": ("Manajer", "manajer", "manager", "manager", "gm"),
    "anggota": ("Anggota", "anggota", "member"),
}

TOPICS = {
    "kelembagaan": (
        "Kelembagaan dan Organisasi", "kelembagaan", "organisasi", "lembaga", "institutions",
        "institution", "organisation", "organization",
    ),
    "pendampingan": ("Pendampingan", "pendampingan", "pendamping", "mentoring", "mentor"),
    "keuangan": (
        "Manajemen dan Keuangan", "keuangan", "manajemen", "manajemen dan keuangan", "finance",
        "management", "financial",
    ),
    "usaha": (
        "Pengembangan Usaha", "usaha", "pengembangan usaha", "bisnis", "business",
        "business development",
    ),
}  # fmt: skip

PROBLEM_AREAS = {
    "keanggotaan": ("Keanggotaan (internal)", "keanggotaan", "anggota", "membership"),
    "manajemen": ("Manajemen (internal)", "manajemen", "management"),
    "keuangan": ("Keuangan (internal)", "keuangan", "finance", "financial"),
    "tata_kelola": ("Tata kelola (internal)", "tata kelola", "governance", "tatakelola"),
    "sosial": ("Sosial (eksternal)", "sosial", "social"),
    "ekonomi": ("Ekonomi (eksternal)", "ekonomi", "economic", "economy"),
    "budaya": ("Budaya (eksternal)", "budaya", "cultural", "culture"),
}


def label(options: dict[str, tuple[str, ...]], key: str) -> str:
    return options[key][0] if key in options else key
