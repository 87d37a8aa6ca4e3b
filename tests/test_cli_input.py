"""Bad command-line input: exit status 2 and one line that blames the input."""
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from neurodynex_gui.app import main
from neurodynex_gui.models.oja import OjaParams

BIG = "9" * 30


@pytest.mark.parametrize("args, message", [
    (("--width", "abc"), "--width: 'abc' is not a whole number of pixels"),
    (("--width", "-5"), "--width: -5 pixels is outside 100 to 20000"),
    (("--width", "200000"), "--width: 200000 pixels is outside 100 to 20000"),
    (("--width",), "--width: expected one argument"),
    (("--bogus",), "unrecognized arguments: --bogus"),
    (("--tab", "oja", "--set", f"seed={BIG}"), "seed: must be at most 2147483647"),
    (("--tab", "oja", "--set", f"eta={BIG}e999"), "eta: must be a finite number"),
    (("--tab", "hopfield", "--set", f"N={BIG}"), "N: must be at most 100"),
    (("--tab", "hopfield", "--set", "N=2.5"), "N: '2.5' is not an integer"),
])
def test_bad_flag_values_give_one_line_and_exit_2(tmp_path, main_py, args, message):
    out = tmp_path / "x.png"
    result = main_py(*(args if "--tab" not in args else (*args, "--export", str(out))))
    assert result.returncode == 2
    assert result.stderr.splitlines() == [result.stderr.strip()], result.stderr
    assert message in result.stderr and "simulation failed" not in result.stderr
    assert not out.exists() and not result.stdout


def test_a_good_export_prints_only_what_it_wrote(tmp_path, main_py):
    out = tmp_path / "x.png"
    result = main_py("--tab", "oja", "--export", str(out), "--width", "300")
    assert result.returncode == 0 and result.stdout == f"wrote {out}\n"
    assert result.stderr == ""  # no Qt warnings from rendering off screen


VALUES = st.one_of(
    st.text(max_size=30),
    st.integers().map(str),
    st.floats().map(repr),
    st.sampled_from(["", " ", "nan", "-inf", "1e400", "9" * 5000, "0x10", "1_000", "true",
                     "random", "covariance", "3\n4", "½"]))


@settings(max_examples=60, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(name=st.sampled_from(OjaParams.names()), value=VALUES)
def test_any_set_value_exports_or_exits_2_with_one_line(tmp_path, capfd, name, value):
    out = tmp_path / "x.npz"
    out.unlink(missing_ok=True)
    code = main(["--tab", "oja", "--set", f"{name}={value}", "--export", str(out)])
    stdout, stderr = capfd.readouterr()
    assert "Traceback" not in stderr
    if code == 0:
        assert stdout == f"wrote {out}\n" and out.exists()
    else:
        assert code == 2 and not out.exists()
        assert stderr.startswith(f"neurodynex-gui: error: {name}: ")
        assert stderr.count("\n") == 1 and stderr.endswith("\n"), stderr
