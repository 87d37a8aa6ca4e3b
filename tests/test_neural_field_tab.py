"""The neural-fields tab with real widgets: the animation plays and stops, a click places the
input, the 2D field and the fronts show their measures, sessions and exports."""
import numpy as np
import pytest
from PyQt5.QtCore import QPointF, Qt
from PyQt5.QtGui import QImage

from neurodynex_gui.export import ExportError
from neurodynex_gui.models import neural_field as nf


@pytest.fixture
def tab(make_window):
    window = make_window("neural_field")
    return window.tabs["neural_field"]


def run_whole(qtbot, tab, timeout=60000):
    """Run, wait for the result and skip the animation to its end."""
    with qtbot.waitSignal(tab.result_ready, timeout=timeout) as blocker:
        tab.run()
    tab.replay.finish()
    return blocker.args[0]


def test_the_animation_plays_pauses_and_ends_on_the_last_frame(qtbot, tab):
    tab.set_value("fps", "30")  # 201 frames: about 7 s of animation
    shown = []
    tab.frame_shown.connect(shown.append)
    with qtbot.waitSignal(tab.result_ready, timeout=60000) as blocker:
        tab.run()
    result = blocker.args[0]
    qtbot.waitUntil(lambda: len(shown) >= 3, timeout=5000)
    assert tab.replay.playing and shown == sorted(shown) and shown[-1] < len(result.t) - 1
    tab.replay_bar.play_button.click()  # pause
    assert not tab.replay.playing
    paused_at = shown[-1]
    qtbot.wait(200)
    assert shown[-1] == paused_at
    tab.replay_bar.end_button.click()
    assert not tab.replay.active and shown[-1] == len(result.t) - 1
    _x, u = tab.traces.data()["u/u(x)"]
    np.testing.assert_allclose(u, result.u[-1], rtol=1e-6, atol=1e-7)  # shown in float32
    # the space-time map holds every frame up to the one shown
    assert tab.traces.map.image.image.shape == result.u.shape


def test_the_default_bump_is_measured_against_amaris_width(qtbot, tab):
    result = run_whole(qtbot, tab)
    expected = nf.amari_bump_width(None, h=-0.1)  # checked by quadrature in the model tests
    width = (result.u[-1] > 0).sum() * (20.0 / 512)
    assert width == pytest.approx(expected, abs=2 * 20.0 / 512)
    assert f"Amari's W(a) + h = theta: {expected:.3g} mm" in tab.readout.text()


def test_a_click_on_the_field_places_the_input_and_the_bump_follows(qtbot, tab):
    run_whole(qtbot, tab)
    panel = tab.traces
    plot = panel.plots["u"]
    scene = plot.vb.mapViewToScene(QPointF(4.0, 0.0))
    with qtbot.waitSignal(tab.result_ready, timeout=60000) as blocker:
        qtbot.mouseClick(panel.viewport(), Qt.LeftButton, pos=panel.mapFromScene(scene))
    tab.replay.finish()
    assert tab.param_forms["input"].params().x0 == pytest.approx(4.0, abs=0.1)
    result = blocker.args[0]
    assert result.x[np.argmax(result.u[-1])] == pytest.approx(4.0, abs=0.15)


def test_dragging_the_input_region_moves_and_widens_the_input(qtbot, tab):
    run_whole(qtbot, tab)
    region = tab.traces.input_region
    assert region.getRegion() == pytest.approx((-1.0, 1.0))  # x0 -+ width
    with qtbot.waitSignal(tab.result_ready, timeout=60000) as blocker:
        region.setRegion((-6.0, -2.0))  # what a drag of the region and an edge ends with
    tab.replay.finish()
    stimulus = tab.param_forms["input"].params()
    assert (stimulus.x0, stimulus.width) == pytest.approx((-4.0, 2.0))
    result = blocker.args[0]
    assert result.x[np.argmax(result.u[-1])] == pytest.approx(-4.0, abs=0.15)
    circle = tab.image.input_circle  # the 2D input follows the form
    assert tuple(circle.pos()) == pytest.approx((-6.0, -2.0))
    assert tuple(circle.size()) == pytest.approx((4.0, 4.0))


def test_a_2d_bump_is_drawn_as_an_image_where_the_click_put_it(qtbot, tab):
    tab.apply_preset("Single bump (2D)")
    assert not tab.param_forms["field"].parentWidget().isHidden()
    assert tab.param_forms["grid"].parentWidget().isHidden()
    run_whole(qtbot, tab)
    assert tab.pages.currentWidget() is tab.image
    plot = tab.image.map.plot
    scene = plot.vb.mapViewToScene(QPointF(-4.0, 5.0))
    with qtbot.waitSignal(tab.result_ready, timeout=60000) as blocker:
        qtbot.mouseClick(tab.image.viewport(), Qt.LeftButton, pos=tab.image.mapFromScene(scene))
    tab.replay.finish()
    result = blocker.args[0]
    stimulus = tab.param_forms["input"].params()
    assert (stimulus.x0, stimulus.y0) == pytest.approx((-4.0, 5.0), abs=0.15)
    drawn = tab.image.map.image.image
    np.testing.assert_allclose(drawn, result.u[-1], rtol=1e-6, atol=1e-7)
    i, j = np.unravel_index(np.argmax(drawn), drawn.shape)  # image indexed [x, y]
    assert (result.x[i], result.y[j]) == pytest.approx((-4.0, 5.0), abs=0.5)


def test_a_bistable_front_turns_back_and_the_readout_says_both_speeds(qtbot, tab):
    tab.apply_preset("Bistable front retreats, a = 0.75 (1D)")
    assert tab.param_forms["field"].parentWidget().isHidden()
    result = run_whole(qtbot, tab)
    theory = -np.sqrt(1.0 / 2) * 0.5  # sqrt(D r / 2)(1 - 2a), D = r = 1
    assert f"{theory:.3g} mm/ms" in tab.readout.text()
    speed = float(tab.readout.text().split("second half ")[1].split(" ")[0])
    assert speed == pytest.approx(theory, rel=0.05)
    crossing = result.x[np.argmax(result.u[-1] < 0.5)]  # started at L / 4 = 25 mm
    assert crossing == pytest.approx(25.0 + 60.0 * theory, abs=1.0)


def test_session_round_trip_keeps_the_system_and_its_forms(qtbot, make_window, tmp_path):
    first = make_window("neural_field")
    tab = first.tabs["neural_field"]
    tab.apply_preset("Waves on a ring (1D)")
    tab.set_value("c", "2")
    path = first.save_session(tmp_path / "fields.ndx.json")
    second = make_window("neural_field")
    assert second.open_session(path), second.last_error
    again = second.tabs["neural_field"]
    assert again.param_forms["show"].params().system == "wave 1D"
    assert again.param_forms["reaction"].params().c == 2.0
    assert again.param_forms["field"].parentWidget().isHidden()


def test_frames_are_saved_as_a_numbered_png_sequence(qtbot, tab, tmp_path):
    tab.set_value("t_end", "20")
    tab.set_value("record_dt", "5")
    result = run_whole(qtbot, tab)
    written = tab.save_animation(tmp_path / "frame.png")
    assert [p.name for p in written] == [f"frame_{i:04d}.png" for i in range(len(result.t))]
    assert len(written) == 5 and all(not QImage(str(p)).isNull() for p in written)


def test_the_run_is_saved_as_an_animated_gif_with_one_image_per_frame(qtbot, tab, tmp_path):
    from PIL import Image

    tab.set_value("system", "field 2D")
    tab.set_value("n", "32")
    tab.set_value("t_end", "30")
    tab.set_value("record_dt", "10")
    result = run_whole(qtbot, tab)
    tab.set_value("fps", "4")
    [path] = tab.save_animation(tmp_path / "bump.gif", width=300)
    with Image.open(path) as gif:
        assert gif.n_frames == len(result.t) == 4  # t = 0, 10, 20, 30 ms
        assert gif.size[0] == 300 and gif.info["duration"] == 250  # 4 frames/s
        first = np.asarray(gif.convert("L"))
        gif.seek(gif.n_frames - 1)
        assert not np.array_equal(first, np.asarray(gif.convert("L")))  # the field moved


def test_an_animation_cannot_be_saved_before_a_run_or_as_an_unknown_format(tab, tmp_path):
    with pytest.raises(ExportError, match="run the simulation first"):
        tab.save_animation(tmp_path / "none.gif")
    with pytest.raises(ExportError, match="use .gif"):
        tab.save_animation(tmp_path / "none.mp4")


def test_command_line_saves_a_whole_run_as_a_gif(tmp_path, main_py):
    from PIL import Image

    out = tmp_path / "front.gif"
    done = main_py("--tab", "neural_field", "--set", "t_end=40", "--set", "record_dt=10",
                   "--animation", str(out))
    assert done.returncode == 0, done.stderr
    with Image.open(out) as gif:
        assert gif.n_frames == 5
    done = main_py("--tab", "fitzhugh_nagumo", "--animation", str(tmp_path / "fhn.gif"))
    assert done.returncode == 2 and "no animation to save" in done.stderr


def test_command_line_export_of_a_2d_frame(tmp_path, main_py):
    out = tmp_path / "field.png"
    done = main_py("--tab", "neural_field", "--set", "system=field 2D", "--set", "n=64",
                   "--set", "t_end=50", "--set", "dt=0.5", "--export", str(out))
    assert done.returncode == 0, done.stderr
    image = QImage(str(out))
    assert not image.isNull() and image.width() > 200


def test_a_refused_2d_grid_fails_with_its_reason_and_the_animation_stops(qtbot, tab):
    tab.set_value("system", "field 2D")
    tab.set_value("n", "1024")  # accepted by the form (1D), too large in 2D
    with qtbot.waitSignal(tab.run_failed, timeout=10000):
        tab.run()
    assert not tab.replay.active and not tab.streaming
    assert "n: 1024 x 1024 is too large" in tab.readout.text()
