/**
 * A container's interfaces, for the capture's interface pick: the names the kernel lists in
 * /proc/<pid>/net/dev (no root needed on a local engine), each checked by the kernel's naming rule.
 * Empty when the engine is not local or the container does not run (the pick then offers "all").
 */
import { promises as fs } from 'node:fs';
import { isInterfaceName, isSafePid } from '../../model/engineValues';
import { parseNetDev } from '../../probe/readers';
import type { EngineApi } from '../engineApi';

export async function containerInterfaces(api: EngineApi, containerId: string, isLocal: boolean): Promise<string[]> {
  if (!isLocal) {
    return [];
  }
  try {
    const pid = (await api.inspectContainer(containerId)).State?.Pid;
    if (!isSafePid(pid)) {
      return [];
    }
    return parseNetDev(await fs.readFile(`/proc/${pid}/net/dev`, 'utf8')).filter(isInterfaceName).sort();
  } catch {
    return [];
  }
}
