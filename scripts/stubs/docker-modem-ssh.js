// docker-modem's own SSH transport (it requires ssh2 as docker-modem loads). An ssh:// engine goes
// through src/engine/ssh/sshAgent.ts, which loads ssh2 on first use; docker-modem is always given
// protocol http or https. The bundle gets this stub in its place.
module.exports = function sshAgent() {
  throw new Error("docker-modem's SSH transport is not part of the Docker Network Explorer bundle");
};
