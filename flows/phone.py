"""One person, one number: every spelling of an Indonesian number becomes E.164."""

import phonenumbers


def normalize_phone(raw: str, region: str = "ID") -> str | None:
    """'0812…', '62812…', '+62 812-…' and 'whatsapp:+62…' all give '+62812…'; junk gives None."""
    text = (raw or "").strip()
    if text.lower().startswith("whatsapp:"):
        text = text[len("whatsapp:") :]
    digits = "".join(ch for ch in text if ch.isascii() and ch.isdigit())
    if not digits:
        return None
    if not text.startswith("+") and digits.startswith("62"):
        text = "+" + digits
    try:
        number = phonenumbers.parse(text, region)
    except phonenumbers.NumberParseException:
        return None
    if not phonenumbers.is_possible_number(number):
        return None
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)
