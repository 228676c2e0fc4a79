/**
 * The overview's grid (see overview.ts): the cells of a region (a network's node, or networks
 * joined by their multi-homed containers) in rows, and for each region the number of columns, so
 * that the whole drawing fits the panel it is drawn for (its real size, which the page reports; 1400 x 900
 * for the command line) at the largest scale, never planned below a readable one (fitScore). Mermaid draws a row as
 * cells chained by invisible links in a region `direction LR` (each link one rank to the right;
 * unlinked rows stack under each other, so the columns line up); a joined cell is a subgraph of
 * its own, which dagre lays out on its own, so its links never leave it. The bridge region stands
 * on the left; the others (joined networks, swarm, macvlan, host mode, no network) are stacked in
 * a column beside it. Sizes are estimated from
 * the text, measured in Chromium (`npm run bench`, section 5: 16 px sans-serif, HTML labels). Pure.
 */

import { MAX_FIT_SCALE, MERMAID_FONT_PX, READABLE_FONT_PX, VIEW_MARGIN_PX } from './renderConfig';

/** The panel an overview is laid out for when its real size is not known (the command line's SVG). */
export const DEFAULT_PANEL: Size = { width: 1400, height: 900 };
/** The lowest scale at which the overview's text is readable (READABLE_FONT_PX). */
export const READABLE_SCALE = READABLE_FONT_PX / MERMAID_FONT_PX;
/** Mermaid's flowchart font is 16 px: about this many px a character of names and digits. */
export const CHAR_PX = 9.8;
export const LINE_PX = 24;
/** A node's width and height beyond its text. */
export const NODE_PAD = { x: 16, y: 24 };
/** The directive's node spacing (between rows, and between regions) and rank spacing at the root. */
export const NODE_GAP = 16;
export const ROOT_RANK_GAP = 8;
/** dagre adds 25 px of rank spacing at each subgraph depth: between the columns of the main region (those beside it are one deeper). */
export const COLUMN_GAP = ROOT_RANK_GAP + 25;
/** Between the nodes of a joined cell (a subgraph in a region). */
export const LINK_GAP = ROOT_RANK_GAP + 50;
/** A subgraph's margin on each side, and its title's height. */
export const CLUSTER_PAD = 16;
export const TITLE_PX = 30;

export interface Size {
  width: number;
  height: number;
}

/** A node's size from its lines (each shorter than the directive's wrapping width). */
export function nodeSize(lines: string[]): Size {
  return { width: Math.max(...lines.map((line) => line.length)) * CHAR_PX + NODE_PAD.x, height: lines.length * LINE_PX + NODE_PAD.y };
}

/** `head`, then names, `, ` between them, in lines of at most `width` characters (a longer name alone on its line). */
export function wrapNames(names: string[], width: number, head = ''): string[] {
  const lines: string[] = [];
  let line = head;
  for (const name of names) {
    const next = line && line !== head ? `${line}, ${name}` : `${line}${name}`;
    if (line && line !== head && next.length > width) {
      lines.push(`${line},`);
      line = name;
    } else {
      line = next;
    }
  }
  if (line) lines.push(line);
  return lines;
}

/** Cell indexes in rows of `columns`. */
export function rowsOf(count: number, columns: number): number[][] {
  const rows: number[][] = [];
  for (let i = 0; i < count; i += columns) rows.push(Array.from({ length: Math.min(columns, count - i) }, (_, k) => i + k));
  return rows;
}

/** A region's box around `columns` columns of cells: columns as wide as their widest cell, rows as tall as their tallest. */
export function regionSize(sizes: Size[], columns: number, columnGap: number): Size {
  const rows = rowsOf(sizes.length, columns);
  const widths = Array.from({ length: Math.min(columns, sizes.length) }, (_, j) => Math.max(...rows.filter((row) => row.length > j).map((row) => sizes[row[j]].width)));
  const heights = rows.map((row) => Math.max(...row.map((index) => sizes[index].height)));
  return {
    width: widths.reduce((sum, width) => sum + width, 0) + columnGap * (widths.length - 1) + 2 * CLUSTER_PAD,
    height: heights.reduce((sum, height) => sum + height, 0) + NODE_GAP * (heights.length - 1) + 2 * CLUSTER_PAD + TITLE_PX,
  };
}

/**
 * How well a drawing of `size` suits `panel` (higher is better), by the rule the page fits with
 * (webview/topology/panZoom.ts): a drawing that fits whole at a readable scale beats one that does
 * not (the larger its scale, the better, up to MAX_FIT_SCALE); then one whose width fits at a
 * readable scale (the page fits its width and the user pans down: the shorter it then is, the
 * better); then the one that needs the least panning sideways.
 */
export function fitScore(size: Size, panel: Size): number {
  const widthFit = Math.max(1, panel.width - 2 * VIEW_MARGIN_PX) / Math.max(1, size.width);
  const heightFit = Math.max(1, panel.height - 2 * VIEW_MARGIN_PX) / Math.max(1, size.height);
  const fit = Math.min(widthFit, heightFit);
  if (fit >= READABLE_SCALE) return 2 + Math.min(fit, MAX_FIT_SCALE) / MAX_FIT_SCALE;
  if (widthFit >= READABLE_SCALE) {
    // In (1, 2): the fewer panel heights to pan through at the width's scale, the higher.
    const panels = (size.height * Math.min(widthFit, MAX_FIT_SCALE)) / Math.max(1, panel.height - 2 * VIEW_MARGIN_PX);
    return 1 + 1 / (1 + panels);
  }
  return widthFit / READABLE_SCALE;
}

/** The column beside the main region: its regions and nodes stacked, in a subgraph of its own. */
export function stackSize(boxes: Size[]): Size {
  return {
    width: Math.max(0, ...boxes.map((box) => box.width)) + 2 * CLUSTER_PAD,
    height: boxes.reduce((sum, box) => sum + box.height, 0) + NODE_GAP * Math.max(0, boxes.length - 1) + 2 * CLUSTER_PAD + TITLE_PX,
  };
}

/** Where the column of the other regions stands: beside the main region, or under it (a narrow panel). */
export type SidePlace = 'beside' | 'below';

/** The whole drawing: the main region and the column of the others, side by side or one under the other. */
function arrangedSize(parts: Size[], place: SidePlace): Size {
  if (place === 'beside' || parts.length < 2) {
    return { width: parts.reduce((sum, part) => sum + part.width, 0) + NODE_GAP * (parts.length - 1), height: Math.max(...parts.map((part) => part.height)) };
  }
  // One rank under the other, joined by an invisible link: the root's rank spacing, and dagre's 25 px at a subgraph.
  return { width: Math.max(...parts.map((part) => part.width)), height: parts.reduce((sum, part) => sum + part.height, 0) + ROOT_RANK_GAP + 25 };
}

/**
 * The columns of the main region and of each region of the column beside (or under) it, and where
 * that column stands, that suit the panel best (fitScore): for each width the column may take,
 * each of its regions takes its lowest layout no wider (or its narrowest); then every column count
 * of the main region is tried, with the column beside the main region and under it.
 */
export function bestColumns(main: Size[], side: Size[][], loose: Size[], panel: Size = DEFAULT_PANEL): { main: number; side: number[]; size: Size; place: SidePlace } {
  const options = side.map((sizes) => sizes.map((_, i) => ({ columns: i + 1, size: regionSize(sizes, i + 1, COLUMN_GAP + 25) })));
  const caps = [...new Set([...options.flat().map((option) => option.size.width), ...loose.map((box) => box.width)])];
  let best: { main: number; side: number[]; size: Size; place: SidePlace; score: number } | undefined;
  for (const cap of caps.length > 0 ? caps : [0]) {
    const chosen = options.map((list) => {
      const fitting = list.filter((option) => option.size.width <= cap);
      const pool = fitting.length > 0 ? fitting : [list.reduce((narrow, option) => (option.size.width < narrow.size.width ? option : narrow))];
      return pool.reduce((low, option) => (option.size.height < low.size.height ? option : low));
    });
    const boxes = [...chosen.map((option) => option.size), ...loose];
    const column = boxes.length > 0 ? stackSize(boxes) : undefined;
    for (let columns = 1; columns <= Math.max(1, main.length); columns++) {
      const region = main.length > 0 ? regionSize(main, columns, COLUMN_GAP) : undefined;
      const parts = [region, column].filter((part): part is Size => part !== undefined);
      for (const place of ['beside', 'below'] as const) {
        const size = arrangedSize(parts, place);
        const score = fitScore(size, panel);
        if (!best || score > best.score + 1e-9) best = { main: columns, side: chosen.map((option) => option.columns), size, place, score };
      }
    }
  }
  return best ?? { main: 1, side: [], size: { width: 0, height: 0 }, place: 'beside' };
}
