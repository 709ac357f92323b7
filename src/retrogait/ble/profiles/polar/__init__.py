"""Polar Measurement Data (PMD): H10, Verity Sense, OH1.

Split by concern: :mod:`.control_point` (commands, responses, settings), :mod:`.frames` (raw and
delta-compressed frame decoding), :mod:`.timestamps` (per-sample times), :mod:`.pairing` (ACC and
GYRO of a Verity Sense into rows) and :mod:`.profile` (the state machine and batch decoder).
Facts from polarofficial/polar-ble-sdk (BlePMDClient.kt, PmdSetting.kt, AccData.kt, GyrData.kt).
"""

from retrogait.ble.profiles.polar.control_point import (
    FEATURE_BITS,
    MEAS_ACC,
    MEAS_GYRO,
    MEAS_SDK_MODE,
    STATUS_TEXT,
    ControlPointResponse,
    encode_start,
    parse_cp_response,
    parse_features,
    parse_settings,
)
from retrogait.ble.profiles.polar.frames import (
    DECODE_CHUNK_FRAMES,
    HEADER_BYTES,
    FrameBatch,
    decode_frames,
    float_gyro_bits_to_dps,
)
from retrogait.ble.profiles.polar.pairing import STALL_HORIZON_FRAMES, STALL_HORIZON_S, AccGyroPairing
from retrogait.ble.profiles.polar.profile import PolarPmd
from retrogait.ble.profiles.polar.timestamps import sample_timestamps_ns

__all__ = [
    "DECODE_CHUNK_FRAMES",
    "FEATURE_BITS",
    "HEADER_BYTES",
    "MEAS_ACC",
    "MEAS_GYRO",
    "MEAS_SDK_MODE",
    "STALL_HORIZON_FRAMES",
    "STALL_HORIZON_S",
    "STATUS_TEXT",
    "AccGyroPairing",
    "ControlPointResponse",
    "FrameBatch",
    "PolarPmd",
    "decode_frames",
    "encode_start",
    "float_gyro_bits_to_dps",
    "parse_cp_response",
    "parse_features",
    "parse_settings",
    "sample_timestamps_ns",
]
