"""The staff's WhatsApp commands: administrators' (admin.py) and experts' (expert.py)."""
