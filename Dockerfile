# Builds and runs the dashboard. The build stage needs Node.js and npm, because building the app runs
# `npm ci` to restore its browser libraries (apexcharts) into wwwroot/lib.
#
#   docker build -t dashboard .
#   docker run -p 8080:8080 dashboard
#
# The embedded MQTT broker listens on the container's loopback by default, so devices outside the
# container cannot reach it through port 1883. Either bind it to all addresses with credentials
# (Mqtt__EmbeddedBroker__BindAddress=0.0.0.0, Mqtt__EmbeddedBroker__Username, Mqtt__EmbeddedBroker__Password),
# or, for production, run a broker such as Mosquitto next to the container and start it with
# Mqtt__EmbeddedBroker__Enabled=false, Mqtt__Host=<broker> and Mqtt__Port=1883.
#
# Without ConnectionStrings__Dashboard the SQLite store lives in /app/data; mount a volume there:
#   docker run -p 8080:8080 -v dashboard-data:/app/data dashboard

FROM mcr.microsoft.com/dotnet/sdk:10.0 AS build
RUN apt-get update \
    && apt-get install -y --no-install-recommends nodejs npm \
    && rm -rf /var/lib/apt/lists/*
WORKDIR /src

# Restore first, so that changing the source does not invalidate the package layers.
COPY Directory.Build.props ./
COPY Dashboard/Dashboard.csproj Dashboard/package.json Dashboard/package-lock.json Dashboard/
RUN dotnet restore Dashboard/Dashboard.csproj

COPY Dashboard/ Dashboard/
RUN dotnet publish Dashboard/Dashboard.csproj --configuration Release --no-restore --output /app

FROM mcr.microsoft.com/dotnet/aspnet:10.0 AS runtime
WORKDIR /app
COPY --from=build /app ./

# The SQLite store and its folder must be writable by the unprivileged user.
RUN mkdir -p /app/data && chown "$APP_UID" /app/data
VOLUME /app/data

# The .NET images define the unprivileged user 'app' and its id in APP_UID.
USER $APP_UID
ENV ASPNETCORE_URLS=http://+:8080 \
    ASPNETCORE_ENVIRONMENT=Production
EXPOSE 8080 1883
ENTRYPOINT ["dotnet", "Dashboard.dll"]
