"""Entry point for `flask --app app` and WSGI servers (`gunicorn app:app`)."""

import gc

from portal import create_app

app = create_app()

# What starting made (modules, the app, its statements and settings: about 190,000 objects)
# lives as long as the process. Frozen, it is left out of the garbage collector's occasional
# full collections, which otherwise walked all of it during a page request (about 0.5 ms a
# caseload request, averaged). The tests build their own apps and are not frozen.
gc.freeze()
