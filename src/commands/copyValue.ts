import * as vscode from 'vscode';
import { publishedPortText } from '../model/inventory';
import { COPY_FIELDS, CopyField, copyValuesOf, TreeNode } from '../model/treeModel';
import type { CommandDefinition } from './command';

/** Copies the value of a leaf (alias, DNS name, link alias, address, published port) to the clipboard. */
export const copyValueCommand: CommandDefinition = {
  id: 'dockerNetworks.copyValue',
  run: async (_services, node) => {
    const leaf = node as TreeNode | undefined;
    const value = leaf ? leafValue(leaf) : undefined;
    if (value !== undefined) {
      await vscode.env.clipboard.writeText(value);
    }
  },
};

function leafValue(leaf: TreeNode): string | undefined {
  switch (leaf.kind) {
    case 'dnsName':
      return leaf.name;
    case 'address':
      return leaf.value;
    case 'link':
      return leaf.link.alias;
    case 'port':
      // What a user types to reach it from the host: the host side of the binding.
      return publishedPortText(leaf.port).split(' → ')[0];
    default:
      return undefined;
  }
}

/** The command id of "Copy <field>" in the tree's Copy submenu. */
export function copyCommandId(field: CopyField): string {
  return `dockerNetworks.copy.${field}`;
}

/**
 * One command per field of the Copy submenu (container name and id, network name and id, IPv4 and
 * IPv6 with and without the prefix, MAC, gateways). The clicked node says which value; the menu
 * offers only the fields the node has (its contextValue lists them).
 */
export const copyFieldCommands: CommandDefinition[] = COPY_FIELDS.map((field) => ({
  id: copyCommandId(field),
  run: async (services, node) => {
    const inventory = services.inventory();
    const value = inventory && node ? copyValuesOf(inventory, node as TreeNode)[field] : undefined;
    if (value !== undefined) {
      await vscode.env.clipboard.writeText(value);
    }
  },
}));
