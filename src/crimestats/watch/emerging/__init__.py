"""Emerging crime (issue 14, deliverable 4): what is new in the offences of a store.

One module per list of ``crimestats emerging``: codes and descriptions appearing for the
first time or growing from near zero (:mod:`.new_codes`), terms of offence texts whose
frequency bursts against their own history (:mod:`.bursts`), new clusters of texts the
ICCS autocoder finds unfamiliar (:mod:`.unfamiliar`), cyber-related and motive shares
rising (:mod:`.shares`); the store is read once (:mod:`.records`), the lists gathered
by :mod:`.detect` into a typed :class:`~.report.EmergingReport`. Every text shown passes
:func:`crimestats.watch.scrub.scrub`; no finding names an incident or its date.
"""
