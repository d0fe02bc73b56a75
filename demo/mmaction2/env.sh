# MMAction2 1.2.0 (mmengine) for the demo (jobs/demo.yaml `environment.setup`): the project's
# .venv (`make venv`; VIDBENCH_DEMO_VENV=/path for another), and the package's own tools/
# (shipped inside the wheel as mmaction/.mim/tools), linked into the job's working dir.
. "$(dirname "${BASH_SOURCE[0]}")/../env_common.sh"
_vb_venv=${VIDBENCH_DEMO_VENV:-$VIDBENCH_DEMO_ROOT/.venv}
_vb_pkg=$("$_vb_venv/bin/python" -c 'import importlib.util as u; print(u.find_spec("mmaction").submodule_search_locations[0])') || return 1
vidbench_demo_env "$_vb_venv" "$VIDBENCH_DEMO_ROOT/demo/mmaction2/configs" "$_vb_pkg/.mim/tools"
