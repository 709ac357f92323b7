"""The few signal-processing functions the analysis uses, in numpy alone (docs/decisions.md PERF-8).

Each gives scipy's result for the way the analysis calls it (tests/test_dsp.py compares them with scipy),
so ``retrogait analyze``, batch workers and the live detector never import scipy (about 0.7 s of every
process's start):
- :mod:`.butter`: Butterworth low- and band-pass design as second-order sections (``signal.butter``);
- :mod:`.zerophase`: forward-backward filtering with those sections (``signal.sosfiltfilt``);
- :mod:`.peaks`: peaks with a minimum distance and prominence (``signal.find_peaks``);
- :mod:`.running`: running maximum, minimum and median (``ndimage.maximum_filter1d``,
  ``minimum_filter1d``, ``median_filter``);
- :mod:`.normal`: the standard normal distribution function (``special.ndtr``) and Student's t (``special.stdtr``);
- :mod:`.upsample`: band-limited interpolation by a whole factor (``signal.resample_poly(x, k, 1)``, close to it).
- :mod:`.line_fit`: a least-squares line, ``np.polyfit(x, y, 1)``'s two floats bit for bit (PERF-137).
"""

from retrogait.dsp.butter import butter_sos
from retrogait.dsp.normal import ndtr, student_t_cdf
from retrogait.dsp.peaks import find_peaks
from retrogait.dsp.running import running_max, running_median, running_min
from retrogait.dsp.zerophase import sosfiltfilt

__all__ = [
    "butter_sos",
    "find_peaks",
    "ndtr",
    "running_max",
    "running_median",
    "running_min",
    "sosfiltfilt",
    "student_t_cdf",
]
