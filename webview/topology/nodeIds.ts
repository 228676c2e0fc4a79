/** The Mermaid node id of a drawn node or subgraph (its `data-id`, else the tail of its DOM id). */
export function domIdToNodeId(node: Element): string | undefined {
  const dataId = node.getAttribute('data-id');
  if (dataId) return dataId;
  const match = /-flowchart-(.+)-\d+$/.exec(node.id);
  return match ? match[1] : node.id || undefined;
}
