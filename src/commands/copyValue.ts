import * as vscode from 'vscode';
import type { TreeNode } from '../model/treeModel';
import type { CommandDefinition } from './command';

/** Copies the value of a leaf (alias, DNS name, link alias, address) to the clipboard. */
export const copyValueCommand: CommandDefinition = {
  id: 'dockerNetworks.copyValue',
  run: async (_services, node) => {
    const leaf = node as TreeNode | undefined;
    const value = leaf?.kind === 'dnsName' ? leaf.name : leaf?.kind === 'address' ? leaf.value : leaf?.kind === 'link' ? leaf.link.alias : undefined;
    if (value !== undefined) {
      await vscode.env.clipboard.writeText(value);
    }
  },
};
