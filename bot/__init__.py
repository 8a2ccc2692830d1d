"""The running service: the Flask app (bot.app), webhook, console, simulator, scheduler and
CLI. Importing the package imports nothing else, so `eklinik --help` starts fast."""
