"""Live gait feedback while recording: online steps from a rolling window fed to the offline
analysis stages (:mod:`.online`), impact feedback cues (:mod:`.feedback`, :mod:`.outputs`), and the
phone as a sensor through the phyphox remote-access API (:mod:`.phyphox`). See docs/live.md."""
