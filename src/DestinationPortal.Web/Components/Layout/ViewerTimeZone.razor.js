// The browser's IANA time zone ("Europe/Berlin"), remembered in a cookie for the server's next prerender.
export function timeZone() {
    const zone = Intl.DateTimeFormat().resolvedOptions().timeZone || "";
    const secure = location.protocol === "https:" ? "; Secure" : "";
    document.cookie = "portal-time-zone=" + encodeURIComponent(zone) + "; path=/; max-age=31536000; SameSite=Strict" + secure;
    return zone;
}
