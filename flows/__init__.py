"""The clinic's rules as data, and the conversation: the booking lifecycle (lifecycle.py), the
message kinds (kinds.py), every word (catalogue/), the conversation by part (conversation/),
and understanding chat Indonesian (dates, choices, words, kecamatan, phone numbers).

Pure Python: nothing here touches Flask, Twilio or a database session.
"""
