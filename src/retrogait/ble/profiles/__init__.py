"""Sensor profiles by command-line name."""

from __future__ import annotations

from typing import Any

from retrogait.ble.profiles.base import Profile, load_config
from retrogait.ble.profiles.generic import GenericProfile
from retrogait.ble.profiles.metawear import MetaWear
from retrogait.ble.profiles.movesense import Movesense
from retrogait.ble.profiles.polar import PolarPmd
from retrogait.ble.profiles.thingy import Thingy52
from retrogait.ble.profiles.witmotion import WitMotion
from retrogait.errors import RetrogaitError

PROFILE_NAMES = ("polar", "movesense", "metawear", "witmotion", "thingy52", "diy_nrf52")


def make_profile(name: str, device_name: str | None = None, config: dict[str, Any] | None = None) -> Profile:
    """The profile for a ``--sensor`` value: a built-in name or a path to a generic ``.toml`` config."""
    if name == "polar":
        return PolarPmd(config, model=PolarPmd.model_from_name(device_name))
    if name == "movesense":
        return Movesense(config)
    if name == "metawear":
        return MetaWear(config)
    if name == "witmotion":
        return WitMotion(config)
    if name == "thingy52":
        return Thingy52(config)
    if name == "diy_nrf52":
        return GenericProfile(config or load_config("diy_nrf52_example"))
    if name.endswith(".toml"):
        config = config or load_config(name)
        try:
            return GenericProfile(config)
        except RetrogaitError as exc:  # the user's own file: its name first (EDGE-103)
            raise RetrogaitError(f"{name}: {exc}") from None
    raise RetrogaitError(f"unknown sensor profile {name!r}; use one of {', '.join(PROFILE_NAMES)} or a .toml file")


def recognise(name: str | None, service_uuids: list[str]) -> str | None:
    """The profile name a scanned device matches by advertised service UUID or name prefix, or None."""
    uuids = {u.lower() for u in service_uuids}
    for profile in PROFILE_NAMES:
        config = load_config("diy_nrf52_example" if profile == "diy_nrf52" else make_profile_config_name(profile))
        if str(config["service_uuid"]).lower() in uuids:
            return profile
        if name and any(name.startswith(p) for p in config.get("name_prefixes", ())):
            return profile
    return None


def make_profile_config_name(profile: str) -> str:
    return {"polar": "polar_pmd", "thingy52": "thingy52"}.get(profile, profile)


__all__ = ["PROFILE_NAMES", "Profile", "make_profile", "recognise"]
