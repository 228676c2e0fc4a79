/**
 * For engine-tier tests that check a sentence the extension shows: a stand-in for the `vscode`
 * module with only `l10n.t`, which formats the English string the way VS Code does without a
 * bundle ({0}, {1}, …). Install it before loading (with a dynamic import) the module under test.
 */
import Module from 'node:module';

const stub = {
  l10n: {
    t: (message: string, ...args: unknown[]) => message.replace(/\{(\d+)\}/g, (_match, index: string) => String(args[Number(index)])),
  },
};

export function installVscodeL10nStub(): void {
  const loader = Module as unknown as { _load: (request: string, ...rest: unknown[]) => unknown };
  const original = loader._load;
  loader._load = function load(this: unknown, request: string, ...rest: unknown[]) {
    return request === 'vscode' ? stub : original.call(this, request, ...rest);
  };
}
