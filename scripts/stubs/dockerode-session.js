// dockerode's BuildKit session support (gRPC + protobuf, ~400 KB bundled) is only used to build
// images, which this extension never does. The bundle gets this stub in its place.
module.exports = function withSession() {
  throw new Error('BuildKit sessions are not part of the Docker Network Explorer bundle');
};
