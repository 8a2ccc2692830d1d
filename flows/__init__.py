"""The conversation: states, steps declared as data, and language understanding.

Pure Python: nothing here touches Flask, Twilio or a database session.
"""
