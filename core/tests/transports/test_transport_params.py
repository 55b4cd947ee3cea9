"""TransportParams: documented defaults, validation, deprecated fields, subclassing."""

from __future__ import annotations

import pytest

from voxpipe.transports.base_transport import BaseTransport, TransportParams


def test_documented_defaults():
    p = TransportParams()
    assert (p.audio_out_enabled, p.audio_out_sample_rate, p.audio_out_channels) == (False, None, 1)
    assert (p.audio_out_bitrate, p.audio_out_10ms_chunks, p.audio_out_mixer) == (96000, 4, None)
    assert (p.audio_out_destinations, p.audio_out_end_silence_secs, p.audio_out_auto_silence) == (
        [],
        2,
        True,
    )
    assert (p.audio_in_enabled, p.audio_in_sample_rate, p.audio_in_channels, p.audio_in_filter) == (
        False,
        None,
        1,
        None,
    )
    assert (p.audio_in_stream_on_start, p.audio_in_passthrough) == (True, True)
    assert (p.video_in_enabled, p.video_out_enabled, p.video_out_is_live) == (False, False, False)
    assert (p.video_out_width, p.video_out_height, p.video_out_bitrate) == (1024, 768, 800000)
    assert (p.video_out_framerate, p.video_out_color_format, p.video_out_codec) == (30, "RGB", None)
    assert p.video_out_destinations == [] and p.vad_analyzer is None and p.turn_analyzer is None


def test_list_defaults_are_not_shared():
    a, b = TransportParams(), TransportParams()
    a.audio_out_destinations.append("x")
    assert b.audio_out_destinations == []


@pytest.mark.parametrize(
    "kwargs",
    [{"audio_out_10ms_chunks": 0}, {"audio_out_end_silence_secs": -1}, {"video_out_framerate": 0}],
)
def test_bad_values_are_rejected_with_the_field_name(kwargs):
    with pytest.raises(ValueError, match=next(iter(kwargs))):
        TransportParams(**kwargs)


def test_deprecated_fields_warn_and_camera_fields_map_to_video():
    with pytest.warns(DeprecationWarning, match="vad_analyzer"):
        TransportParams(vad_analyzer=object())
    with pytest.warns(DeprecationWarning, match="turn_analyzer"):
        TransportParams(turn_analyzer=object())
    with pytest.warns(DeprecationWarning, match="camera_out_width"):
        p = TransportParams(camera_out_width=640)
    assert p.video_out_width == 640
    with pytest.warns(DeprecationWarning, match="audio_in_passthrough"):
        assert TransportParams(vad_audio_passthrough=False).audio_in_passthrough is False


def test_plugins_subclass_with_plain_class_syntax():
    class DailyLikeParams(TransportParams):
        api_key: str = ""
        camera_out_enabled: bool = True  # a plugin's own field, not the deprecated alias

    p = DailyLikeParams(api_key="k", audio_out_enabled=True)
    assert (p.api_key, p.audio_out_enabled, p.camera_out_enabled, p.video_out_enabled) == (
        "k",
        True,
        True,
        False,
    )
    assert p.model_copy(update={"api_key": "z"}).api_key == "z"
    assert p.model_dump()["api_key"] == "k"


def test_mixer_for_destination():
    single, default, music = object(), object(), object()
    assert TransportParams(audio_out_mixer=single).mixer_for(None) is single
    assert TransportParams(audio_out_mixer=single).mixer_for("x") is None
    mapping = TransportParams(audio_out_mixer={None: default, "music": music})
    assert mapping.mixer_for(None) is default and mapping.mixer_for("music") is music


def test_base_transport_needs_input_and_output():
    with pytest.raises(TypeError):
        BaseTransport()  # type: ignore[abstract]

    class T(BaseTransport):
        def input(self):
            return None

        def output(self):
            return None

    t = T(input_name="in", output_name="out")
    assert t.name.startswith("T#")
