export { INSPECT_ENV, notInspectorLines, openInspector, type Inspector } from './inspector';
