"""The baseline: a bare Flask endpoint at the webhook's path, served by the same gunicorn as
the bot (gunicorn bench.bare:app). It reads the form and answers one TwiML message."""

from flask import Flask, Response, request

app = Flask(__name__)
TWIML = '<?xml version="1.0" encoding="UTF-8"?><Response><Message>ok</Message></Response>'


@app.post("/whatsapp/inbound")
def inbound() -> Response:
    request.form.to_dict(flat=True)
    return Response(TWIML, mimetype="application/xml")
