// Small helpers the portal calls through JS interop.
window.tokenPortal = {
    markInteractive: function () {
        document.body.setAttribute("data-interactive", "true");
    },

    // The server reads this cookie to paint the next page in the chosen palette from its first frame.
    rememberTheme: function (value) {
        document.cookie = "TokenPortalTheme=" + value + "; path=/; max-age=31536000; samesite=lax";
    },

    // Copies text; falls back to a hidden textarea where the Clipboard API is unavailable. Returns true when copied.
    copy: async function (text) {
        try {
            await navigator.clipboard.writeText(text);
            return true;
        } catch {
            const area = document.createElement("textarea");
            area.value = text;
            area.setAttribute("readonly", "");
            area.style.position = "fixed";
            area.style.opacity = "0";
            document.body.appendChild(area);
            area.select();
            const copied = document.execCommand("copy");
            area.remove();
            return copied;
        }
    }
};
