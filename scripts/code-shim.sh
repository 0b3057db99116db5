#!/usr/bin/env bash
# Stand-in "VS Code executable" for @vscode/test-electron's runTests({ vscodeExecutablePath }).
# No Electron / desktop VS Code build can be obtained on these machines, so this translates the Electron-style
# command line (--extensionDevelopmentPath=…, --extensionTestsPath=…, a folder to open, --user-data-dir=…)
# into a run inside a real VS Code: code-server with the smoke-test driver enabled, its workbench opened in
# headless Debian Chromium through playwright-core. The exit code is the test run's (0 = all passed).
# See scripts/vscode-test-host.mjs for the details.
set -euo pipefail
here="$(cd "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")" && pwd)"
exec "${AGC_NODE:-node}" "$here/vscode-test-host.mjs" "$@"
