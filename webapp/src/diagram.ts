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

/** Draws `xml` into `container` once the container is in the document (bpmn-js measures it);
 *  gives up when it never gets there (a newer page replaced it). The ids marked are listed in the
 *  container's `data-tokens`, `data-enabled` and `data-fired` attributes. */
export async function showDiagram(container: HTMLElement, xml: string, overlay: Overlay = {}): Promise<void> {
  for (let i = 0; !container.isConnected; i++) {
    if (i > 600) return;
    await new Promise((r) => requestAnimationFrame(r));
  }
  container.innerHTML = '';
  container.dataset.tokens = (overlay.tokens ?? []).join(' ');
  container.dataset.enabled = (overlay.enabled ?? []).join(' ');
  container.dataset.fired = (overlay.fired ?? []).join(' ');
  const viewer = new NavigatedViewer({ container });
  await viewer.importXML(xml);
  const canvas: any = viewer.get('canvas');
  const registry: any = viewer.get('elementRegistry');
  canvas.zoom('fit-viewport');
  const mark = (ids: string[] | undefined, cls: string) => {
    for (const id of ids ?? []) {
      const shape = shapeOf(id, registry);
      if (shape) canvas.addMarker(shape, cls);
    }
  };
  mark(overlay.fired, 'fired');
  mark(overlay.tokens, 'token');
  mark(overlay.enabled, 'enabled');
  // a token is drawn as a dot on the last segment of its flow (as process monitors show them)
  const overlays: any = viewer.get('overlays');
  for (const id of overlay.tokens ?? []) {
    const shape = shapeOf(id, registry);
    const flow = shape && registry.get(shape);
    const wp: { x: number; y: number }[] | undefined = flow?.waypoints;
    if (!wp || wp.length < 2) continue;
    const [a, b] = [wp[wp.length - 2], wp[wp.length - 1]];
    const left = Math.min(...wp.map((p) => p.x));
    const top = Math.min(...wp.map((p) => p.y));
    const dot = document.createElement('div');
    dot.className = 'token-dot';
    dot.title = 'token';
    dot.setAttribute('aria-label', `token on ${flow.businessObject?.name || id}`);
    overlays.add(shape, 'token', { position: { left: (a.x + b.x) / 2 - left - 8, top: (a.y + b.y) / 2 - top - 8 }, html: dot });
  }
}

/** The diagram element that shows compiled element or flow `id`: itself, or for a copy of a
 *  multi-instance activity (`A#2`, `flow#1#2`: docs/bpm-engine.md, "Multi-instance activities")
 *  the element it was copied from; undefined for what the compiler added (`A:mi-split`). */
function shapeOf(id: string, registry: any): string | undefined {
  if (registry.get(id)) return id;
  const original = id.replace(/(#\d+)+$/, '');
  return original !== id && registry.get(original) ? original : undefined;
}
