"""Print & send: print options, cached background renders, and the frozen sent letter.

The renderer itself (campaign.printing) takes a plain snapshot; this package builds that
snapshot from the database (snapshot.py), caches renders as jobs the worker processes
(rendering.py), and freezes what was delivered (services.py).
"""
