/**
 * Which engine answers the Docker Engine API: Docker, or Podman serving its Docker-compatible API
 * (`podman system service`), told from the engine's own `/version` (Podman names its component
 * "Podman Engine"; Docker's is "Engine"). The views name the engine by it ("Podman 4.3.1"), never
 * calling Podman Docker. Pure.
 */

export type EngineProduct = 'Docker' | 'Podman';

/** The part of GET /version this reads. */
export interface VersionFacts {
  Version?: string;
  Components?: { Name?: string; Version?: string }[] | null;
}

export function engineProduct(version: VersionFacts | undefined): EngineProduct {
  return (version?.Components ?? []).some((component) => /podman/i.test(component.Name ?? '')) ? 'Podman' : 'Docker';
}

/** "Docker 20.10.24", "Podman 4.3.1": the product and its version as the engine gives it ("?" when unknown). */
export function engineTitle(product: EngineProduct | undefined, version: string | undefined): string {
  return `${product ?? 'Docker'} ${version ?? '?'}`;
}

/** The command line a user of this engine types: `podman` on Podman, else `docker` (the commands the doctor's fixes print). */
export type EngineCli = 'docker' | 'podman';

export function engineCli(product: EngineProduct | undefined): EngineCli {
  return product === 'Podman' ? 'podman' : 'docker';
}
