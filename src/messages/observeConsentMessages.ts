/**
 * The consent asked before an engine is observed through a helper container (the helper level):
 * the question names the engine, the detail shows the exact `docker run` and what the container may
 * do. The French is in l10n/fr/observeConsent.json.
 */
import type { Translator } from './translator';

export function observeConsentQuestion(engine: string, l10n: Translator): string {
  return l10n.t('Observe the engine {0} through a helper container?', engine);
}

export function observeConsentDetail(command: string, l10n: Translator): string {
  return l10n.t(
    "To draw that engine's bridges, veth pairs and namespaces as they are, the extension sends this to the engine: {0}. The container shares the host's process and network namespaces and keeps only the capabilities SYS_ADMIN and SYS_PTRACE, which let it enter and read every namespace: it is root on that host. It only reads, prints what it read, and is removed after each read. It is labelled io.github.dne.helper and every run is written to the log.",
    command,
  );
}

export function observeConsentChoices(l10n: Translator): { once: string; always: string; never: string } {
  return { once: l10n.t('Allow once'), always: l10n.t('Always for this engine'), never: l10n.t('Never') };
}

/** What else the same consent lets run on that engine (the doctor's helpers), said in the same modal. */
export function observeConsentDoctor(l10n: Translator): string {
  return l10n.t(
    "The connectivity doctor then runs short-lived helpers of the same image there too: joined to a container's network namespace with only NET_RAW (ping, nc, nslookup), and in the host's namespaces with SYS_ADMIN, SYS_PTRACE, SYS_CHROOT and NET_ADMIN to read the packet filter's counters with the host's own iptables-save and nft.",
  );
}

export function observingStarted(engine: string, l10n: Translator): string {
  return l10n.t('{0} is observed through a helper container.', engine);
}
