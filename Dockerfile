# The controller image: one static binary, non-root, nothing else.
# Build: docker build -t kubectl-ecrcreds:dev .
FROM rust:1.89-alpine AS build
# aws-lc-rs (the TLS crypto) builds C code: it needs a C toolchain, cmake and perl.
RUN apk add --no-cache musl-dev gcc g++ make cmake perl ca-certificates
WORKDIR /src
COPY Cargo.toml Cargo.lock ./
COPY src ./src
RUN cargo build --release --locked && cp target/release/kubectl-ecrcreds /kubectl-ecrcreds

FROM scratch
COPY --from=build /etc/ssl/certs/ca-certificates.crt /etc/ssl/certs/ca-certificates.crt
COPY --from=build /kubectl-ecrcreds /kubectl-ecrcreds
# The distroless "nonroot" user; the chart runs it with a read-only root filesystem.
USER 65532:65532
EXPOSE 8080
ENTRYPOINT ["/kubectl-ecrcreds"]
CMD ["controller"]
