"""Realtime: Socket.IO rooms and the one module that emits (publish.py)."""
