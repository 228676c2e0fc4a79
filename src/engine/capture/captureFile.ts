/**
 * Whether the capture file can be written where the user asked: its folder exists and this process
 * may write there (checked before tcpdump starts, so a bad path never leaves a capture running
 * into nothing). A sentence-ready reason, or undefined.
 */
import { constants, promises as fs } from 'node:fs';
import * as path from 'node:path';
import { isInterfaceName } from '../../model/engineValues';

export async function captureFolderProblem(file: string): Promise<string | undefined> {
  const folder = path.dirname(file);
  try {
    const stat = await fs.stat(folder);
    if (!stat.isDirectory()) {
      return 'not a folder';
    }
    await fs.access(folder, constants.W_OK);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    return code === 'ENOENT' ? 'no such folder' : code === 'EACCES' ? 'permission denied' : (code ?? String(error));
  }
  try {
    const stat = await fs.stat(file);
    return stat.isDirectory() ? 'a folder has that name' : undefined;
  } catch {
    return undefined;
  }
}

/** Whether `name` is an interface of this host's own namespace (/sys/class/net). */
export async function isHostInterface(name: string): Promise<boolean> {
  if (!isInterfaceName(name)) {
    return false;
  }
  try {
    await fs.access(path.join('/sys/class/net', name));
    return true;
  } catch {
    return false;
  }
}
