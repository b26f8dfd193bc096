package web

import "net/http"

// ContentSecurityPolicy is the policy of every response. The page, its
// worker and its service worker may load code, styles, images and data from
// their own origin only; the wasm may be compiled ('wasm-unsafe-eval');
// inline scripts, inline styles, plugins, frames and form posts are refused,
// and no other site may frame the page. The share API is on the same
// origin, so connect-src 'self' covers it.
const ContentSecurityPolicy = "default-src 'none'; " +
	"script-src 'self' 'wasm-unsafe-eval'; " +
	"worker-src 'self'; " +
	"connect-src 'self'; " +
	"img-src 'self' blob:; " +
	"style-src 'self'; " +
	"font-src 'self'; " +
	"manifest-src 'self'; " +
	"base-uri 'none'; " +
	"form-action 'none'; " +
	"frame-ancestors 'none'"

// SetSecurityHeaders sets the headers every response of the app carries:
// the Content-Security-Policy, no MIME sniffing, no referrer, no framing,
// and an isolated browsing context.
func SetSecurityHeaders(h http.Header) { setSecurityHeaders(h) }

func setSecurityHeaders(h http.Header) {
	h.Set("Content-Security-Policy", ContentSecurityPolicy)
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("Referrer-Policy", "no-referrer")
	h.Set("X-Frame-Options", "DENY")
	h.Set("Cross-Origin-Opener-Policy", "same-origin")
	h.Set("Cross-Origin-Resource-Policy", "same-origin")
	h.Set("Permissions-Policy", "camera=(), microphone=(), geolocation=(), payment=(), usb=()")
}
