import os

# Playwright's sync API runs an event loop in the test thread; Django refuses database work
# from such a thread unless told that this is intended (it is, in live_server tests).
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
