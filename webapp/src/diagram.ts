// A BPMN diagram (bpmn-js viewer) with an instance's state drawn on it: tokens on sequence flows,
// tasks waiting for someone, elements that fired.
import NavigatedViewer from 'bpmn-js/lib/NavigatedViewer';

export interface Overlay {
  /** BPMN ids of sequence flows holding a token */
  tokens?: string[];
  /** BPMN ids of tasks enabled now */
  enabled?: string[];
  /** BPMN ids of elements that fired */
  fired?: string[];
}

export async function showDiagram(container: HTMLElement, xml: string, overlay: Overlay = {}): Promise<void> {
  container.innerHTML = '';
  const viewer = new NavigatedViewer({ container });
  await viewer.importXML(xml);
  const canvas: any = viewer.get('canvas');
  const registry: any = viewer.get('elementRegistry');
  canvas.zoom('fit-viewport');
  const mark = (ids: string[] | undefined, cls: string) => {
    for (const id of ids ?? []) if (registry.get(id)) canvas.addMarker(id, cls);
  };
  mark(overlay.fired, 'fired');
  mark(overlay.tokens, 'token');
  mark(overlay.enabled, 'enabled');
}
