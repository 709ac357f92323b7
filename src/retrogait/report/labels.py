"""Names, units and colours shared by every report and figure (no plotting library needed to read them)."""

from __future__ import annotations

from typing import Final

#: Colour per direction (Okabe-Ito blue, vermillion, bluish green, grey: readable with colour-vision deficiency).
DIRECTION_COLOURS: Final = {"forward": "#0072B2", "backward": "#D55E00", "sideways": "#009E73", "unknown": "#999999"}
DIRECTION_ORDER: Final = ("forward", "backward", "sideways", "unknown")
STRIKE_ORDER: Final = ("rearfoot", "midfoot", "forefoot")
#: What a reader sees instead of a column name: the quantity and its unit.
METRIC_LABELS: Final = {
    "impact_peak_g": "peak impact (g)",
    "impact_loading_rate_g_per_s": "impact loading rate (g/s)",
    "vgrf_peak_bw": "peak vertical force (BW)",
    "vgrf_loading_rate_bw_per_s": "vertical loading rate (BW/s)",
    "cadence_spm": "cadence (steps/min)",
    "contact_time_s": "contact time (s)",
    "step_time_s": "step time (s)",
    "effort_g_per_min": "effort proxy (g/min)",
    "foot_strike_angle_deg": "foot-strike angle (deg)",
}
#: Placements whose sensor sees the landings of its own leg only (issue 12 item 5: "contacts" vs "steps").
ONE_LEG_PLACEMENTS: Final = ("foot", "shank")


def metric_label(column: str) -> str:
    """The readable name of a steps column (the column name itself when unknown)."""
    return METRIC_LABELS.get(column, column)


def landings_name(placement: str | None) -> str:
    """What one row of steps.csv is for this placement: a contact of the sensor's leg, or a step of either leg."""
    return "contacts of this leg" if placement in ONE_LEG_PLACEMENTS else "steps (both legs)"
