"""Realtime: Socket.IO handlers and rooms, the relay of the outbox's changes, and the one module that emits
(publish.py)."""
