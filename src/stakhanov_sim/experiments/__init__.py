"""Experiments: running one model or an ensemble, their results, sweeps and sensitivity.

``runner`` runs replicates on a worker pool; ``results`` holds and stores the three tables;
``outcomes`` is the one registry of the summary numbers every experiment reports;
``compare`` sets scenarios side by side; ``sweepfile``, ``design``, ``sweep`` and
``sensitivity`` read a sweep, lay out its points, run them and analyse them.
``calibrated`` holds the parameters a calibration sets and measures a point of them on the
targets (what its workers run); ``calibration`` drives pyabc's ABC-SMC over them and
``calibration_report`` writes what it found; ``posterior`` runs ensembles drawn from it.
"""
