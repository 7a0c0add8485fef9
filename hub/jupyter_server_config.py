"""Settings for every user's JupyterLab on the hub (read from JUPYTER_CONFIG_PATH, like nbgrader_config.py)."""

c = get_config()  # noqa: F821  (Jupyter Server provides get_config)

# A terminal opens a plain (not login) shell: a login shell's /etc/profile would reset PATH and
# lose the hub's environment, where `csworkbook` and `nbgrader` are.
c.ServerApp.terminado_settings = {"shell_command": ["/bin/bash"]}
