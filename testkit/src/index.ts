export { INSPECT_ENV, notInspectorLines, openInspector, type Inspector } from './inspector';
export { deepFreeze } from './deepFreeze';
