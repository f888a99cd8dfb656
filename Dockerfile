# syntax=docker/dockerfile:1
# Build: docker build -t destination-portal .
# Run:   docker run -p 8080:8080 -v portal-data:/data -e AllowedHosts=portal.example.com destination-portal
#        (AllowedHosts: the host name users type; the default answers only to localhost, 127.0.0.1 and [::1])

FROM mcr.microsoft.com/dotnet/sdk:10.0 AS build
# The image's architecture (amd64, arm64): ReadyToRun code is compiled for one runtime.
ARG TARGETARCH
WORKDIR /src
# Restore first, from the project files alone, so the package layer is cached across source changes.
COPY global.json Directory.Build.props Directory.Packages.props .editorconfig ./
COPY src/DestinationPortal.Core/DestinationPortal.Core.csproj src/DestinationPortal.Core/
COPY src/DestinationPortal.Persistence.PostgreSql/DestinationPortal.Persistence.PostgreSql.csproj src/DestinationPortal.Persistence.PostgreSql/
COPY src/DestinationPortal.Web/DestinationPortal.Web.csproj src/DestinationPortal.Web/
RUN dotnet restore src/DestinationPortal.Web/DestinationPortal.Web.csproj -a $TARGETARCH -p:PublishReadyToRun=true
COPY src/ src/
# ReadyToRun: the portal's and its packages' code (EF Core, MudBlazor, Npgsql) is compiled ahead of time, so a start
# does not wait for the JIT (docs/benchmarks.md, "Launch to healthy"). The tests publish without it
# (tests/DestinationPortal.IntegrationTests/Hosting/PublishedAppSmokeTests.cs): the same app, compiled later.
RUN dotnet publish src/DestinationPortal.Web -c Release -a $TARGETARCH -p:PublishReadyToRun=true -o /app --no-restore

FROM mcr.microsoft.com/dotnet/aspnet:10.0 AS runtime
# Npgsql's Kerberos (Windows Authentication) loads libgssapi_krb5.so.2, which the .NET images no longer ship; the portal
# reads its own principal through it and its dependency libkrb5.so.3. Give the container a keytab and a krb5.conf:
# README.md, "Windows Authentication (Kerberos)".
RUN apt-get update \
    && apt-get install -y --no-install-recommends libgssapi-krb5-2 \
    && rm -rf /var/lib/apt/lists/*
WORKDIR /app
COPY --from=build /app .
# The database and the Data Protection key ring live together in /data: back up the volume as a whole.
RUN mkdir /data && chown app:app /data
ENV ASPNETCORE_HTTP_PORTS=8080 \
    Portal__DataDirectory=/data
VOLUME /data
EXPOSE 8080
# The non-root user the official image provides (uid 1654).
USER app
ENTRYPOINT ["dotnet", "DestinationPortal.Web.dll"]
