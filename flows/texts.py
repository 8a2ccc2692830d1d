"""Every sentence the bot says, in Bahasa Indonesia and English, in one place."""

from typing import Any

TEXTS: dict[str, dict[str, str]] = {
    "welcome": {
        "id": "Selamat datang di *E-Klinik Koperasi* Dinas Koperasi dan Usaha Mikro Kabupaten "
        "Tangerang. Konsultasi dengan tenaga ahli perkoperasian, *gratis*.",
        "en": "Welcome to *E-Klinik Koperasi* of the Cooperatives and Micro Business Office, "
        "Tangerang Regency. Consultations with cooperative experts are *free*.",
    },
    "menu": {
        "id": "Silakan pilih (ketik angkanya):\n1. Daftar konsultasi E-Klinik\n"
        "2. Cek status pendaftaran\n3. Ubah jadwal / batalkan\n4. Info Klinik Koperasi\n"
        "5. Hubungi admin",
        "en": "Please choose (type the number):\n1. Book an E-Klinik consultation\n"
        "2. Check my booking status\n3. Reschedule / cancel\n4. About the Klinik Koperasi\n"
        "5. Contact the administrator",
    },
    "menu_unknown": {
        "id": "Maaf, pilihan itu belum saya pahami.",
        "en": "Sorry, I did not understand that choice.",
    },
    "info": {
        "id": "*Klinik Koperasi* adalah layanan konsultasi *gratis* bagi koperasi di Kabupaten "
        "Tangerang bersama tenaga ahli perkoperasian, lewat Zoom atau tatap muka. Topik:\n"
        "• Kelembagaan dan Organisasi\n• Pendampingan\n• Manajemen dan Keuangan\n"
        "• Pengembangan Usaha\nSetelah sesi, tenaga ahli memberi *resep* tertulis (solusi, "
        "rekomendasi, saran).\nTatap muka: {address}; Senin–Jumat pukul {first}–{last} WIB "
        "(kecuali hari libur).\nKetik 1 untuk mendaftar.",
        "en": "The *Klinik Koperasi* offers *free* consultations for cooperatives in Tangerang "
        "Regency with cooperative experts, over Zoom or face to face. Topics:\n"
        "• Institutions and Organisation\n• Mentoring\n• Management and Finance\n"
        "• Business Development\nAfter the session the expert gives a written *prescription* "
        "(solution, recommendation, advice).\nFace to face: {address}; Monday–Friday "
        "{first}–{last} WIB (except public holidays).\nType 1 to book.",
    },
    "ask_coop_name": {
        "id": "Apa nama koperasi Anda? (contoh: Koperasi Maju Bersama)",
        "en": "What is your cooperative's name? (e.g. Koperasi Maju Bersama)",
    },
    "bad_coop_name": {
        "id": "Nama koperasi perlu 2–120 huruf.",
        "en": "The cooperative's name needs 2–120 characters.",
    },
    "ask_nik": {
        "id": "Berapa Nomor Induk Koperasi (NIK, 16 angka)? Ketik *belum ada* jika belum punya.",
        "en": "What is the cooperative's registration number (NIK, 16 digits)? Type *none* if "
        "it has none yet.",
    },
    "bad_nik": {
        "id": "NIK koperasi terdiri dari 16 angka (contoh: 3603 1234 5678 0001), atau ketik "
        "*belum ada*.",
        "en": "The NIK has 16 digits (e.g. 3603 1234 5678 0001), or type *none*.",
    },
    "ask_coop_kind": {
        "id": "Apa jenis koperasi Anda?\n1. Simpan pinjam (KSP)\n2. Konsumen\n3. Produsen\n"
        "4. Pemasaran\n5. Jasa\n6. KUD\n7. KPRI\n8. Syariah (KSPPS)\n9. Karyawan\n10. Lainnya",
        "en": "What kind of cooperative is it?\n1. Savings and loans (KSP)\n2. Consumer\n"
        "3. Producer\n4. Marketing\n5. Services\n6. KUD (village unit)\n7. KPRI (civil "
        "servants)\n8. Sharia (KSPPS)\n9. Employees\n10. Other",
    },
    "bad_choice": {
        "id": "Mohon pilih salah satu nomor dari daftar (1–{count}).",
        "en": "Please choose one number from the list (1–{count}).",
    },
    "ask_kecamatan": {
        "id": "Di kecamatan mana koperasi Anda berada? (contoh: Cikupa)",
        "en": "In which kecamatan (district) is the cooperative? (e.g. Cikupa)",
    },
    "confirm_kecamatan": {
        "id": "Maksud Anda Kecamatan *{name}*? (YA / TIDAK)",
        "en": "Do you mean Kecamatan *{name}*? (YES / NO)",
    },
    "confirm_outside": {
        "id": "*{name}* bukan kecamatan di Kabupaten Tangerang. Apakah koperasi Anda memang "
        "berada di luar Kabupaten Tangerang? (YA / TIDAK)",
        "en": "*{name}* is not a kecamatan of Tangerang Regency. Is your cooperative outside "
        "Tangerang Regency? (YES / NO)",
    },
    "kecamatan_list": {
        "id": "Kecamatan di Kabupaten Tangerang: {names}.",
        "en": "The kecamatan of Tangerang Regency: {names}.",
    },
    "ask_yes_no": {
        "id": "Mohon jawab YA atau TIDAK.",
        "en": "Please answer YES or NO.",
    },
    "ask_contact_name": {
        "id": "Siapa nama Anda sebagai narahubung? (contoh: Siti Aminah)",
        "en": "What is your name, as the contact person? (e.g. Siti Aminah)",
    },
    "bad_person_name": {
        "id": "Nama perlu 2–120 huruf.",
        "en": "A name needs 2–120 characters.",
    },
    "ask_contact_role": {
        "id": "Apa jabatan Anda di koperasi?\n1. Ketua\n2. Wakil ketua\n3. Sekretaris\n"
        "4. Bendahara\n5. Pengurus\n6. Pengawas\n7. Manajer\n8. Anggota",
        "en": "What is your role in the cooperative?\n1. Chair\n2. Vice chair\n3. Secretary\n"
        "4. Treasurer\n5. Board member\n6. Supervisor\n7. Manager\n8. Member",
    },
    "ask_topic": {
        "id": "Topik konsultasi apa yang Anda butuhkan?\n1. Kelembagaan dan Organisasi\n"
        "2. Pendampingan\n3. Manajemen dan Keuangan\n4. Pengembangan Usaha",
        "en": "Which topic do you need?\n1. Institutions and Organisation\n2. Mentoring\n"
        "3. Management and Finance\n4. Business Development",
    },
    "ask_problem_area": {
        "id": "Masalahnya termasuk yang mana?\n_Internal:_\n1. Keanggotaan\n2. Manajemen\n"
        "3. Keuangan\n4. Tata kelola\n_Eksternal:_\n5. Sosial\n6. Ekonomi\n7. Budaya",
        "en": "What kind of problem is it?\n_Internal:_\n1. Membership\n2. Management\n"
        "3. Finance\n4. Governance\n_External:_\n5. Social\n6. Economic\n7. Cultural",
    },
    "ask_problem_text": {
        "id": "Ceritakan singkat masalahnya (10–1.000 huruf).",
        "en": "Describe the problem briefly (10–1,000 characters).",
    },
    "bad_problem_short": {
        "id": "Ceritanya terlalu singkat ({length} huruf). Mohon tulis minimal 10 huruf, contoh: "
        "_Banyak anggota menunggak pinjaman sejak awal tahun._",
        "en": "That is too short ({length} characters). Please write at least 10, e.g. "
        "_Many members have been behind on loan repayments since January._",
    },
    "bad_problem_long": {
        "id": "Ceritanya terlalu panjang ({length} huruf). Mohon ringkas menjadi paling banyak "
        "1.000 huruf.",
        "en": "That is too long ({length} characters). Please shorten it to 1,000 at most.",
    },
    "ask_when": {
        "id": "Kapan Anda ingin berkonsultasi? Tulis hari/tanggal dan jam, contoh: "
        "_senin depan jam 10_ atau _3/12 jam 13.00_. Layanan Senin–Jumat pukul {first}–{last} "
        "WIB.",
        "en": "When would you like the consultation? Write a day or date and a time, e.g. "
        "_next monday 10am_ or _3/12 13.00_. Sessions start Monday–Friday, {first}–{last} WIB.",
    },
    "bad_when": {
        "id": "Maaf, waktu itu belum saya pahami.",
        "en": "Sorry, I could not understand that time.",
    },
    "weekday_mismatch": {
        "id": "{date} jatuh pada hari {actual}, bukan {said}. Mohon tulis lagi hari atau "
        "tanggalnya.",
        "en": "{date} is a {actual}, not a {said}. Please write the day or the date again.",
    },
    "when_needs_day": {
        "id": "Jam {clock} pada hari apa? Contoh: _selasa jam {clock}_.",
        "en": "{clock} on which day? E.g. _tuesday {clock}_.",
    },
    "refuse_past": {
        "id": "Tanggal itu sudah lewat.",
        "en": "That date has already passed.",
    },
    "refuse_too_soon": {
        "id": "Pendaftaran paling cepat untuk hari kerja berikutnya.",
        "en": "The earliest booking is for the next working day.",
    },
    "refuse_too_far": {
        "id": "Pendaftaran paling lama {detail} hari ke depan.",
        "en": "Bookings can be made at most {detail} days ahead.",
    },
    "refuse_weekend": {
        "id": "{day} adalah akhir pekan; layanan hanya Senin–Jumat.",
        "en": "{day} is a weekend; sessions are Monday to Friday only.",
    },
    "refuse_holiday": {
        "id": "{day} adalah hari libur ({detail}).",
        "en": "{day} is a public holiday ({detail}).",
    },
    "refuse_closed": {
        "id": "Klinik tutup pada {day} ({detail}).",
        "en": "The clinic is closed on {day} ({detail}).",
    },
    "refuse_before_open": {
        "id": "Sesi paling pagi mulai pukul {first} WIB.",
        "en": "The earliest session starts at {first} WIB.",
    },
    "refuse_after_close": {
        "id": "Sesi terakhir mulai pukul {last} WIB.",
        "en": "The last session starts at {last} WIB.",
    },
    "refuse_off_grid": {
        "id": "Sesi dimulai setiap {minutes} menit dari pukul {first} sampai {last} WIB.",
        "en": "Sessions start every {minutes} minutes from {first} to {last} WIB.",
    },
    "refuse_day_full": {
        "id": "Jadwal pada {day} sudah penuh.",
        "en": "{day} is fully booked.",
    },
    "refuse_taken": {
        "id": "Jadwal itu sudah penuh.",
        "en": "That time is already taken.",
    },
    "offer_nearest": {
        "id": "Waktu terdekat yang tersedia:\n{options}\nBalas dengan nomornya, atau tulis waktu "
        "lain. Ketik LAIN untuk pilihan berikutnya.",
        "en": "The nearest available times:\n{options}\nReply with a number, or write another "
        "time. Type MORE for other choices.",
    },
    "offer_day": {
        "id": "Jam yang tersedia pada {day}:\n{options}\nBalas dengan nomornya, atau tulis "
        "waktu lain.",
        "en": "Available times on {day}:\n{options}\nReply with a number, or write another time.",
    },
    "offer_none": {
        "id": "Maaf, tidak ada jadwal kosong dalam {days} hari ke depan. Ketik 5 di MENU untuk "
        "menghubungi admin.",
        "en": "Sorry, there is no free time in the next {days} days. Type 5 in the MENU to "
        "contact the administrator.",
    },
    "summary": {
        "id": "Mohon periksa data pendaftaran:\n{lines}\nBalas *YA* untuk mengirim, *UBAH* untuk "
        "mengganti, atau *BATAL*.",
        "en": "Please check your booking:\n{lines}\nReply *YES* to send, *CHANGE* to edit, or "
        "*CANCEL*.",
    },
    "ask_edit": {
        "id": "Bagian mana yang ingin diubah?\n{items}",
        "en": "Which item would you like to change?\n{items}",
    },
    "summary_choice": {
        "id": "Balas *YA*, *UBAH*, atau *BATAL*.",
        "en": "Reply *YES*, *CHANGE* or *CANCEL*.",
    },
    "booking_received": {
        "id": "Terima kasih! Pendaftaran Anda tercatat dengan kode *{code}*, jadwal yang diminta "
        "{start}. Admin PA EKO akan mengonfirmasi jadwal dan mengirim tautan Zoom lewat "
        "WhatsApp ini. Ketik 2 untuk cek status kapan saja.",
        "en": "Thank you! Your request is recorded as *{code}*, requested for {start}. The PA "
        "EKO administrator will confirm the time and send the Zoom link on this WhatsApp. "
        "Type 2 to check its status at any time.",
    },
    "booking_failed": {
        "id": "Maaf, pendaftaran belum tersimpan karena gangguan. Data Anda masih ada; mohon "
        "balas *YA* sekali lagi.",
        "en": "Sorry, the booking could not be saved because of a fault. Your answers are kept; "
        "please reply *YES* again.",
    },
    "ask_use_known": {
        "id": "Gunakan data koperasi sebelumnya?\n{lines}\n(YA / TIDAK)",
        "en": "Use your cooperative's details from last time?\n{lines}\n(YES / NO)",
    },
    "cancelled": {
        "id": "Baik, pendaftaran dibatalkan dan tidak ada yang disimpan.",
        "en": "All right, the booking was abandoned and nothing was saved.",
    },
    "nothing_to_go_back_to": {
        "id": "Ini pertanyaan pertama.",
        "en": "This is the first question.",
    },
    "help_generic": {
        "id": "Jawab pertanyaan di bawah ini. Perintah: *MENU* (kembali ke menu), *KEMBALI* "
        "(pertanyaan sebelumnya), *BATAL* (batalkan pendaftaran), *STOP* (berhenti menerima "
        "pesan).",
        "en": "Answer the question below. Commands: *MENU* (main menu), *BACK* (previous "
        "question), *CANCEL* (abandon the booking), *STOP* (stop all messages).",
    },
    "help_nik": {
        "id": "NIK koperasi ada di sertifikat NIK dari Online Data System (ODS) Kemenkop.",
        "en": "The NIK is on the certificate from the Ministry's Online Data System (ODS).",
    },
    "help_when": {
        "id": "Contoh: _besok jam 10_, _senin depan jam 9_, _kamis pukul 13.30_, "
        "_3 Desember jam 14_, _tgl 8 jam 10_.",
        "en": "Examples: _tomorrow 10am_, _next monday 9am_, _thursday 13.30_, _3 December 2pm_.",
    },
    "help_problem_text": {
        "id": "Ceritakan apa yang terjadi, sejak kapan, dan apa yang sudah dicoba. Tenaga ahli "
        "akan membacanya sebelum sesi.",
        "en": "Say what happens, since when, and what you have tried. The expert reads it "
        "before the session.",
    },
    "stopped": {
        "id": "Baik, nomor ini tidak akan menerima pesan dari E-Klinik lagi. Ketik *MULAI* "
        "kapan saja untuk kembali.",
        "en": "All right, this number will get no more messages from E-Klinik. Type *START* "
        "at any time to come back.",
    },
    "media": {
        "id": "Maaf, saya belum bisa membaca {what}. Mohon ketik jawaban Anda.",
        "en": "Sorry, I cannot read {what} yet. Please type your answer.",
    },
    "empty": {
        "id": "Pesannya kosong. Mohon ketik jawaban Anda.",
        "en": "The message was empty. Please type your answer.",
    },
    "emoji": {
        "id": "Terima kasih 🙂 Mohon jawab dengan kata atau angka.",
        "en": "Thank you 🙂 Please answer with words or numbers.",
    },
    "too_long": {
        "id": "Pesannya terlalu panjang ({length} huruf). Mohon kirim paling banyak 1.600 huruf.",
        "en": "That message is too long ({length} characters). Please send 1,600 at most.",
    },
    "fault": {
        "id": "Maaf, sedang ada gangguan. Jawaban Anda sudah kami terima; mohon kirim ulang "
        "sebentar lagi.",
        "en": "Sorry, something went wrong. We received your message; please send it again in "
        "a moment.",
    },
    "ask_resume": {
        "id": "Selamat datang kembali! Anda punya pendaftaran yang belum selesai ({name}). "
        "Lanjutkan? (YA / TIDAK)",
        "en": "Welcome back! You have an unfinished booking ({name}). Continue it? (YES / NO)",
    },
    "ask_admin_message": {
        "id": "Silakan tulis pesan Anda untuk admin PA EKO. Pesan berikutnya akan kami teruskan.",
        "en": "Please write your message for the PA EKO administrator. We will forward your "
        "next message.",
    },
    "admin_forwarded": {
        "id": "Pesan Anda sudah diteruskan ke admin PA EKO. Admin akan membalas lewat WhatsApp "
        "ini.",
        "en": "Your message was forwarded to the PA EKO administrator, who will reply on this "
        "WhatsApp.",
    },
    "status_none": {
        "id": "Belum ada pendaftaran dari nomor ini. Ketik 1 untuk mendaftar.",
        "en": "There are no bookings from this number yet. Type 1 to book.",
    },
    "status_list": {
        "id": "Pendaftaran Anda:\n{lines}",
        "en": "Your bookings:\n{lines}",
    },
    "manage_none": {
        "id": "Tidak ada pendaftaran aktif yang bisa diubah. Ketik 1 untuk mendaftar.",
        "en": "You have no active booking to change. Type 1 to book.",
    },
    "manage_pick": {
        "id": "Pendaftaran mana?\n{lines}\nBalas dengan nomornya.",
        "en": "Which booking?\n{lines}\nReply with its number.",
    },
    "manage_action": {
        "id": "{code}: apa yang ingin dilakukan?\n1. Minta jadwal lain\n2. Batalkan",
        "en": "{code}: what would you like to do?\n1. Ask for another time\n2. Cancel it",
    },
    "manage_confirm_cancel": {
        "id": "Yakin membatalkan *{code}* ({start})? (YA / TIDAK)",
        "en": "Cancel *{code}* ({start})? (YES / NO)",
    },
    "manage_cancelled": {
        "id": "Pendaftaran *{code}* sudah dibatalkan. Admin PA EKO sudah diberi tahu.",
        "en": "Booking *{code}* is cancelled. The PA EKO administrator has been told.",
    },
    "manage_kept": {
        "id": "Baik, pendaftaran *{code}* tidak diubah.",
        "en": "All right, booking *{code}* stays as it is.",
    },
    "manage_rescheduled": {
        "id": "Permintaan jadwal baru untuk *{code}*: {start}. Statusnya kembali menunggu "
        "konfirmasi admin.",
        "en": "New time requested for *{code}*: {start}. It is waiting for the "
        "administrator's confirmation again.",
    },
    "manage_gone": {
        "id": "Pendaftaran *{code}* sudah tidak bisa diubah (status: {status}).",
        "en": "Booking *{code}* can no longer be changed (status: {status}).",
    },
    "admin_new_booking": {
        "id": "📥 *Pendaftaran baru {code}*\nKoperasi: {coop}\nKecamatan: {kecamatan}\n"
        "Topik: {topic}\nMasalah: {area} — {problem}\nJadwal diminta: {start}\n"
        "Narahubung: {contact} ({role}), {phone}",
        "en": "📥 *New booking {code}*\nCooperative: {coop}\nKecamatan: {kecamatan}\n"
        "Topic: {topic}\nProblem: {area} — {problem}\nRequested: {start}\n"
        "Contact: {contact} ({role}), {phone}",
    },
    "admin_message_from": {
        "id": "✉️ Pesan untuk admin dari {phone}:\n{text}",
        "en": "✉️ Message for the administrator from {phone}:\n{text}",
    },
    "admin_cancelled": {
        "id": "❌ {code} ({coop}) dibatalkan oleh koperasi. Jadwal: {start}.",
        "en": "❌ {code} ({coop}) was cancelled by the cooperative. Time: {start}.",
    },
    "admin_rescheduled": {
        "id": "🔁 {code} ({coop}) minta jadwal baru: {start} (sebelumnya {old}). Menunggu "
        "konfirmasi.",
        "en": "🔁 {code} ({coop}) asks for a new time: {start} (was {old}). Waiting for "
        "confirmation.",
    },
    "proposal": {
        "id": "Admin PA EKO mengusulkan jadwal lain untuk *{code}*: {start}. Balas *YA* bila "
        "setuju, atau *TIDAK* beserta waktu yang cocok (contoh: _TIDAK, rabu jam 10_).",
        "en": "The PA EKO administrator proposes another time for *{code}*: {start}. Reply "
        "*YES* to accept, or *NO* with a time that suits you (e.g. _NO, wednesday 10am_).",
    },
    "proposal_ask_when": {
        "id": "Baik. Kapan waktu yang cocok untuk *{code}*? Contoh: _rabu jam 10_.",
        "en": "All right. When would suit you for *{code}*? E.g. _wednesday 10am_.",
    },
    "proposal_accepted_wait": {
        "id": "Terima kasih, Anda menyetujui {start} untuk *{code}*.",
        "en": "Thank you, you accepted {start} for *{code}*.",
    },
    "proposal_taken": {
        "id": "Maaf, jadwal {start} untuk *{code}* baru saja terisi. Admin PA EKO akan "
        "mengusulkan waktu lain.",
        "en": "Sorry, {start} for *{code}* was just taken. The PA EKO administrator will "
        "propose another time.",
    },
    "proposal_countered": {
        "id": "Terima kasih. Permintaan waktu {start} untuk *{code}* sudah kami teruskan ke "
        "admin PA EKO.",
        "en": "Thank you. Your request for {start} for *{code}* was passed to the PA EKO "
        "administrator.",
    },
    "confirmation": {
        "id": "✅ Konsultasi *{code}* terkonfirmasi.\nWaktu: {start}\nTenaga ahli: {expert}\n"
        "Tautan Zoom: {link}\nMohon siapkan: {prepare}\nBila berhalangan, ketik 3 untuk "
        "mengubah jadwal.",
        "en": "✅ Consultation *{code}* is confirmed.\nTime: {start}\nExpert: {expert}\n"
        "Zoom link: {link}\nPlease prepare: {prepare}\nIf you cannot come, type 3 to "
        "reschedule.",
    },
    "declined": {
        "id": "Mohon maaf, pendaftaran *{code}* belum dapat kami layani: {reason}. Anda tetap "
        "dapat berkonsultasi tatap muka di {address}, Senin–Jumat pukul {first}–{last} WIB, "
        "atau ketik 1 untuk mendaftar lagi.",
        "en": "We are sorry, booking *{code}* cannot be served: {reason}. You are welcome to "
        "consult face to face at {address}, Monday–Friday {first}–{last} WIB, or type 1 to "
        "book again.",
    },
    "expert_notice": {
        "id": "📅 Sesi E-Klinik baru *{code}*\nWaktu: {start}\nKoperasi: {coop} ({kecamatan})\n"
        "Topik: {topic}\nMasalah: {problem}\nNarahubung: {contact}, {phone}\nTautan: {link}",
        "en": "📅 New E-Klinik session *{code}*\nTime: {start}\nCooperative: {coop} "
        "({kecamatan})\nTopic: {topic}\nProblem: {problem}\nContact: {contact}, {phone}\n"
        "Link: {link}",
    },
    "expert_cancelled": {
        "id": "❌ Sesi *{code}* ({coop}) pada {start} dibatalkan oleh koperasi.",
        "en": "❌ Session *{code}* ({coop}) at {start} was cancelled by the cooperative.",
    },
    "admin_help": {
        "id": "Perintah admin E-Klinik:\n• DAFTAR — permintaan yang menunggu konfirmasi "
        "(DAFTAR 2: halaman berikutnya)\n• DETAIL EK-0042 — rincian dan riwayat\n"
        "• KONFIRMASI EK-0042 [tanggal jam] [tautan] [AHLI nama] — contoh: KONFIRMASI EK-0042 "
        "senin 10.00 https://zoom.us/j/123 AHLI Sri\n• USUL EK-0042 selasa jam 13 — usulkan "
        "waktu lain\n• TOLAK EK-0042 alasan — tolak dengan sopan\nUntuk mendaftar sendiri, "
        "ketik 1.",
        "en": "E-Klinik administrator commands:\n• DAFTAR — requests waiting for confirmation "
        "(DAFTAR 2: next page)\n• DETAIL EK-0042 — details and history\n• KONFIRMASI "
        "EK-0042 [date time] [link] [AHLI name]\n• USUL EK-0042 tuesday 1pm — propose "
        "another time\n• TOLAK EK-0042 reason — decline politely\nTo book yourself, type 1.",
    },
    "admin_mistyped": {
        "id": "Perintah belum lengkap: {why}. Contoh:\n{example}",
        "en": "The command is incomplete: {why}. Example:\n{example}",
    },
    "admin_list_empty": {
        "id": "Tidak ada permintaan yang menunggu konfirmasi.",
        "en": "No requests are waiting for confirmation.",
    },
    "admin_list": {
        "id": "Menunggu konfirmasi ({total}), halaman {page}/{pages}:\n{lines}",
        "en": "Waiting for confirmation ({total}), page {page}/{pages}:\n{lines}",
    },
    "admin_unknown_code": {
        "id": "Kode *{code}* tidak ditemukan. Ketik DAFTAR untuk melihat permintaan.",
        "en": "No booking *{code}*. Type DAFTAR to see the requests.",
    },
    "admin_wrong_status": {
        "id": "*{code}* tidak diubah: statusnya {status}.",
        "en": "*{code}* was not changed: its status is {status}.",
    },
    "admin_bad_url": {
        "id": "Tautan “{url}” tidak valid. Tulis tautan https lengkap, contoh: "
        "https://zoom.us/j/1234567890",
        "en": "The link “{url}” is not valid. Write a full https link, e.g. "
        "https://zoom.us/j/1234567890",
    },
    "admin_no_expert": {
        "id": "Tidak ada tenaga ahli {topic} yang bebas pada {start}.",
        "en": "No {topic} expert is free at {start}.",
    },
    "admin_unknown_expert": {
        "id": "Tenaga ahli “{name}” tidak ditemukan. Yang aktif: {names}.",
        "en": "No expert “{name}”. Active experts: {names}.",
    },
    "admin_expert_busy": {
        "id": "{expert} sudah punya sesi pada {start}.",
        "en": "{expert} already has a session at {start}.",
    },
    "admin_no_link": {
        "id": "{expert} belum punya tautan rapat tetap. Sertakan tautan, contoh: KONFIRMASI "
        "{code} https://zoom.us/j/1234567890",
        "en": "{expert} has no standing meeting link. Add one, e.g. KONFIRMASI {code} "
        "https://zoom.us/j/1234567890",
    },
    "admin_next_free": {
        "id": "Waktu bebas terdekat: {options}",
        "en": "Nearest free times: {options}",
    },
    "admin_confirmed": {
        "id": "✅ *{code}* terkonfirmasi: {start}, {expert}, {link}. Koperasi dan tenaga ahli "
        "sudah diberi tahu.",
        "en": "✅ *{code}* confirmed: {start}, {expert}, {link}. The cooperative and the expert "
        "have been told.",
    },
    "admin_proposed": {
        "id": "Usulan {start} untuk *{code}* sudah dikirim ke koperasi.",
        "en": "The proposal of {start} for *{code}* was sent to the cooperative.",
    },
    "admin_declined": {
        "id": "*{code}* ditolak; koperasi sudah diberi tahu.",
        "en": "*{code}* was declined; the cooperative has been told.",
    },
    "admin_proposal_accepted": {
        "id": "👍 {coop} menyetujui usulan untuk *{code}*: {start}.",
        "en": "👍 {coop} accepted the proposal for *{code}*: {start}.",
    },
    "admin_proposal_countered": {
        "id": "🔁 {coop} tidak bisa pada usulan untuk *{code}* dan meminta {start}. Balas "
        "KONFIRMASI {code} atau USUL {code} <waktu>.",
        "en": "🔁 {coop} cannot make the proposed time for *{code}* and asks for {start}. Reply "
        "KONFIRMASI {code} or USUL {code} <time>.",
    },
    "admin_proposal_taken": {
        "id": "⚠️ {coop} menyetujui usulan untuk *{code}* ({start}), tetapi waktunya sudah "
        "terisi. Mohon usulkan waktu lain: USUL {code} <waktu>.",
        "en": "⚠️ {coop} accepted the proposal for *{code}* ({start}), but it was taken. "
        "Please propose another: USUL {code} <time>.",
    },
    "reminder_day_before": {
        "id": "⏰ Pengingat: besok konsultasi E-Klinik *{code}*.\nWaktu: {start}\nTenaga ahli: "
        "{expert}\nTautan Zoom: {link}\nBila berhalangan, ketik 3 untuk mengubah jadwal.",
        "en": "⏰ Reminder: your E-Klinik consultation *{code}* is tomorrow.\nTime: {start}\n"
        "Expert: {expert}\nZoom link: {link}\nIf you cannot come, type 3 to reschedule.",
    },
    "reminder_hour_before": {
        "id": "⏰ Konsultasi *{code}* dimulai pukul {clock} WIB. Tautan Zoom: {link}",
        "en": "⏰ Consultation *{code}* starts at {clock} WIB. Zoom link: {link}",
    },
    "expert_schedule": {
        "id": "📋 Jadwal E-Klinik Anda hari ini, {day}:\n{lines}",
        "en": "📋 Your E-Klinik sessions today, {day}:\n{lines}",
    },
    "admin_digest": {
        "id": "📊 Ringkasan E-Klinik {day}\nMenunggu konfirmasi: {waiting}\n{waiting_lines}"
        "Sesi hari ini: {today}\n{today_lines}Pesan gagal: {failed}\n{failed_lines}",
        "en": "📊 E-Klinik summary {day}\nWaiting for confirmation: {waiting}\n{waiting_lines}"
        "Sessions today: {today}\n{today_lines}Failed messages: {failed}\n{failed_lines}",
    },
    "admin_held": {
        "id": "⚠️ Pesan {kind} ke {phone} ditahan: penerima di luar jendela 24 jam WhatsApp dan "
        "template TWILIO_CONTENT_SID_{env} belum diatur.",
        "en": "⚠️ A {kind} message to {phone} is held: the recipient is outside WhatsApp's "
        "24-hour window and TWILIO_CONTENT_SID_{env} is not set.",
    },
    "expert_help": {
        "id": "Perintah tenaga ahli E-Klinik:\n• JADWAL [besok | tanggal] — sesi Anda\n"
        "• RESEP EK-0042 teks — kirim resep (atau RESEP EK-0042, beberapa pesan, lalu KIRIM)\n"
        "• SELESAI EK-0042 — sesi sudah berlangsung\n• TIDAK HADIR EK-0042 — koperasi tidak "
        "hadir",
        "en": "E-Klinik expert commands:\n• JADWAL [besok | date] — your sessions\n• RESEP "
        "EK-0042 text — send a prescription (or RESEP EK-0042, several messages, then KIRIM)\n"
        "• SELESAI EK-0042 — the session took place\n• TIDAK HADIR EK-0042 — the cooperative "
        "did not come",
    },
    "expert_mistyped": {
        "id": "Perintah belum lengkap: {why}. Contoh:\n{example}",
        "en": "The command is incomplete: {why}. Example:\n{example}",
    },
    "expert_schedule_empty": {
        "id": "Tidak ada sesi Anda pada {day}.",
        "en": "You have no sessions on {day}.",
    },
    "expert_not_yours": {
        "id": "*{code}* bukan sesi Anda.",
        "en": "*{code}* is not one of your sessions.",
    },
    "expert_wrong_status": {
        "id": "*{code}* belum bisa diberi resep atau ditandai: statusnya {status}.",
        "en": "*{code}* cannot take that yet: its status is {status}.",
    },
    "resep_started": {
        "id": "Silakan tulis resep untuk *{code}*, boleh dalam beberapa pesan. Ketik *KIRIM* bila "
        "selesai, atau *BATAL*.",
        "en": "Please write the prescription for *{code}*, in as many messages as you like. Type "
        "*KIRIM* when done, or *BATAL*.",
    },
    "resep_added": {
        "id": "Tercatat ({length} huruf). Lanjutkan, atau ketik *KIRIM*.",
        "en": "Noted ({length} characters). Go on, or type *KIRIM*.",
    },
    "resep_empty": {
        "id": "Resepnya masih kosong. Tulis isinya dulu, lalu ketik *KIRIM*.",
        "en": "The prescription is still empty. Write it first, then type *KIRIM*.",
    },
    "resep_preview": {
        "id": "Pratinjau resep untuk *{code}*:\n\n{text}\n\nBalas *YA* untuk mengirim ke koperasi, "
        "tulis pesan lagi untuk menambah, atau *BATAL*.",
        "en": "Preview of the prescription for *{code}*:\n\n{text}\n\nReply *YA* to send it to "
        "the cooperative, write more to add to it, or *BATAL*.",
    },
    "resep_cancelled": {
        "id": "Resep untuk *{code}* tidak dikirim.",
        "en": "The prescription for *{code}* was not sent.",
    },
    "resep_sent": {
        "id": "✅ Resep untuk *{code}* tersimpan dan dikirim ke koperasi.",
        "en": "✅ The prescription for *{code}* is saved and sent to the cooperative.",
    },
    "session_done": {
        "id": "Sesi *{code}* dicatat sudah berlangsung. Kirim resepnya dengan RESEP {code}.",
        "en": "Session *{code}* is recorded as held. Send the prescription with RESEP {code}.",
    },
    "session_no_show": {
        "id": "Sesi *{code}* dicatat: koperasi tidak hadir. Koperasi sudah diberi tahu.",
        "en": "Session *{code}* recorded as a no-show. The cooperative has been told.",
    },
    "prescription": {
        "id": "📝 *Resep E-Klinik {code}* dari {expert}:\n\n{text}",
        "en": "📝 *E-Klinik prescription {code}* from {expert}:\n\n{text}",
    },
    "no_show": {
        "id": "Kami tidak bertemu Anda pada sesi *{code}* ({start}). Tidak apa-apa — ketik 1 untuk "
        "mendaftar lagi kapan saja.",
        "en": "We missed you at session *{code}* ({start}). No problem — type 1 to book again at "
        "any time.",
    },
    "prescription_notice": {
        "id": "📝 Resep E-Klinik untuk *{code}* dari {expert} sudah tersedia. Balas pesan ini "
        "untuk menerimanya.",
        "en": "📝 The E-Klinik prescription for *{code}* from {expert} is ready. Reply to this "
        "message to receive it.",
    },
    "survey": {
        "id": "Terima kasih sudah berkonsultasi di E-Klinik (*{code}*). Seberapa puas Anda? Balas "
        "angka *1* (tidak puas) sampai *5* (sangat puas). Apakah masalahnya sudah teratasi? "
        "Balas *SUDAH* atau *BELUM*.",
        "en": "Thank you for consulting E-Klinik (*{code}*). How satisfied are you? Reply *1* "
        "(not at all) to *5* (very). Is the problem solved? Reply *SUDAH* (yes) or *BELUM* (not "
        "yet).",
    },
    "survey_thanks": {
        "id": "Terima kasih atas nilainya ({score}/5). Apakah masalahnya sudah teratasi? Balas "
        "*SUDAH* atau *BELUM*.",
        "en": "Thank you for the score ({score}/5). Is the problem solved? Reply *SUDAH* or "
        "*BELUM*.",
    },
    "case_solved": {
        "id": "Alhamdulillah, senang mendengarnya! Kasus untuk *{code}* kami tutup. Ketik 1 bila "
        "perlu konsultasi lagi.",
        "en": "Glad to hear it! The case of *{code}* is closed. Type 1 whenever you need another "
        "consultation.",
    },
    "follow_up_intro": {
        "id": "Baik, kami lanjutkan pendampingannya. Sesi lanjutan memakai data koperasi, topik "
        "dan masalah yang sama.",
        "en": "All right, we will continue. The follow-up session keeps the cooperative, topic "
        "and problem.",
    },
    "ask_follow_up": {
        "id": "Apa yang masih belum teratasi? (10–1.000 huruf)",
        "en": "What is still unsolved? (10–1,000 characters)",
    },
    "status_case": {
        "id": "Kasus #{case} ({state}): {sessions}",
        "en": "Case #{case} ({state}): {sessions}",
    },
    "admin_case_closed": {
        "id": "Kasus untuk *{code}* ditutup: {reason}.",
        "en": "The case of *{code}* is closed: {reason}.",
    },
    "admin_case_already_closed": {
        "id": "Kasus untuk *{code}* sudah ditutup.",
        "en": "The case of *{code}* was already closed.",
    },
}

STATUS_NAMES = {
    "waiting": {"id": "Menunggu konfirmasi", "en": "Waiting for confirmation"},
    "confirmed": {"id": "Terkonfirmasi", "en": "Confirmed"},
    "declined": {"id": "Ditolak", "en": "Declined"},
    "proposed": {"id": "Menunggu jawaban atas usulan jadwal", "en": "Waiting for your answer"},
    "cancelled": {"id": "Dibatalkan", "en": "Cancelled"},
    "done": {"id": "Selesai", "en": "Done"},
    "no_show": {"id": "Tidak hadir", "en": "No-show"},
}


PREPARE = {
    "kelembagaan": {
        "id": "AD/ART, struktur organisasi, daftar pengurus dan pengawas, notulen RAT terakhir.",
        "en": "bylaws (AD/ART), organisation chart, board and supervisors, last RAT minutes.",
    },
    "pendampingan": {
        "id": "profil singkat koperasi, rencana kerja tahun ini, dan kendala utama.",
        "en": "a short profile of the cooperative, this year's work plan and the main problems.",
    },
    "keuangan": {
        "id": "laporan keuangan terakhir (neraca, SHU), data pinjaman dan tunggakan.",
        "en": "the latest financial statements (balance sheet, SHU), loans and arrears.",
    },
    "usaha": {
        "id": "profil usaha, data penjualan setahun terakhir, dan rencana pengembangan.",
        "en": "a business profile, last year's sales and the development plan.",
    },
}


def say(key: str, lang: str = "id", **params: Any) -> str:
    text = TEXTS[key][lang if lang in ("id", "en") else "id"]
    return text.format(**params) if params else text
