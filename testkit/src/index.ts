export { INSPECT_ENV, notInspectorLines, openInspector, type Inspector } from './inspector';
export { deepFreeze } from './deepFreeze';
export { pause, until, waitFor } from './wait';
export { acrossPathsTolerance, expectAcrossPaths, type Quantity } from './acrossPaths';
export { describePython, findPython, pythonSkipReason, runPythonJson } from './python';
