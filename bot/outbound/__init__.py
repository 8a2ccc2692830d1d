"""The scheduler process: the day's messages (daily.py), the outbox drained (sender.py),
WhatsApp itself (messenger.py: Twilio, or the local outbox), and the loop (scheduler.py)."""
