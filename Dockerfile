# The controller image, for those who build with Docker. It has the layout of
# the image the release publishes and the tests run, because the root
# filesystem comes from the same script, release/rootfs.sh (the release and the
# tests assemble it with release/image.sh and crane, no Docker engine needed).
# Build: docker build -t kubectl-ecrcreds:dev .
FROM rust:1.95-bookworm AS build
WORKDIR /src
COPY Cargo.toml Cargo.lock ./
COPY src ./src
RUN cargo build --release --locked --bin kubectl-ecrcreds

# Debian bookworm, as the build stage: the C runtime the binary was linked with.
FROM debian:bookworm AS rootfs
RUN apt-get update && apt-get install -y --no-install-recommends ca-certificates
COPY release/rootfs.sh /rootfs.sh
COPY --from=build /src/target/release/kubectl-ecrcreds /kubectl-ecrcreds
RUN /rootfs.sh /kubectl-ecrcreds "$(dpkg --print-architecture)" /rootfs

FROM scratch
COPY --from=rootfs /rootfs /
# The distroless "nonroot" user; the chart runs it with a read-only root filesystem.
USER 65532:65532
EXPOSE 8080
ENTRYPOINT ["/kubectl-ecrcreds"]
CMD ["controller"]
