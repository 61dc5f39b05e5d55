package portal

import (
	"errors"
	"html/template"
	"net/http"
	"net/url"
	"regexp"
	"strings"

	"github.com/russross/blackfriday/v2"

	"github.com/soclab/soclab/simulator"
	"github.com/soclab/soclab/simulator/copilot"
)

// exchange is one prompt of a session with its answer.
type exchange struct {
	Prompt copilot.Prompt
	State  string
	Answer template.HTML
	Intent string
	Failed bool
}

type copilotData struct {
	Sessions  []copilot.SessionSummary
	Current   *copilot.Session
	Exchanges []exchange
	Prompt    string
	Error     string
	Plugins   []copilot.Plugin
}

// sourceLinks turn the answers' Sources lines into links to the portal's pages.
var (
	incidentRef = regexp.MustCompile(`(Microsoft Defender XDR incident|incident) (\d{4,})`)
	alertRef    = regexp.MustCompile(`(?m)^(\d+\. )alert ([0-9a-z]{8,}):`)
	kqlBlock    = regexp.MustCompile("(?s)```(?:kql|kusto)?\n(.*?)```")
)

// renderAnswer renders an answer's markdown (raw HTML skipped, only safe links), with its
// incident references linked to the incident page and each KQL block offered in the Logs blade.
func renderAnswer(md string) template.HTML {
	linked := incidentRef.ReplaceAllString(md, "[$1 $2](/incidents/$2)")
	linked = alertRef.ReplaceAllString(linked, "${1}[alert $2](/incidents/byalert?alertId=$2):")
	// The Sources list follows its heading line directly; markdown needs a blank line first.
	linked = strings.Replace(linked, "\n**Sources**\n", "\n**Sources**\n\n", 1)
	var extra strings.Builder
	for _, m := range kqlBlock.FindAllStringSubmatch(md, -1) {
		extra.WriteString("\n[Run this query in Logs](/sentinel/logs?" + url.Values{"query": {strings.TrimSpace(m[1])}}.Encode() + ")\n")
	}
	r := blackfriday.NewHTMLRenderer(blackfriday.HTMLRendererParameters{Flags: blackfriday.SkipHTML | blackfriday.Safelink | blackfriday.NofollowLinks})
	out := blackfriday.Run([]byte(linked+extra.String()), blackfriday.WithRenderer(r),
		blackfriday.WithExtensions(blackfriday.CommonExtensions&^blackfriday.AutoHeadingIDs))
	return template.HTML(out)
}

func (p *Portal) copilotPage(w http.ResponseWriter, r *http.Request, s *session) {
	p.showCopilot(w, r, s, http.StatusOK, r.URL.Query().Get("session"), "", "")
}

func (p *Portal) showCopilot(w http.ResponseWriter, r *http.Request, s *session, status int, sid, prompt, problem string) {
	d := copilotData{Prompt: prompt, Error: problem}
	var err error
	if d.Sessions, err = p.cfg.Copilot.ListSessions(s.TenantID); err != nil {
		p.fail(w, r, s, err)
		return
	}
	if sid != "" {
		err = p.cfg.World.View(s.TenantID, func(tx *simulator.TenantTx) error {
			se, err := copilot.GetSession(tx, sid)
			if err != nil {
				return err
			}
			d.Current = &se
			prompts, err := copilot.Prompts(tx, sid)
			if err != nil {
				return err
			}
			for _, pr := range prompts {
				ex := exchange{Prompt: pr, State: copilot.StateCreated}
				evs, err := copilot.Evaluations(tx, sid, pr.ID)
				if err != nil {
					return err
				}
				if len(evs) > 0 {
					v := evs[len(evs)-1].ViewAt(tx.Now())
					ex.State = v.State
					if v.Result != nil {
						ex.Answer, ex.Intent, ex.Failed = renderAnswer(v.Result.Content), string(v.Result.Intent), v.Result.Type != "success"
					}
				}
				d.Exchanges = append(d.Exchanges, ex)
			}
			return nil
		})
		if errors.Is(err, copilot.ErrNotFound) {
			p.notFound(w, r, s)
			return
		}
		if err != nil {
			p.fail(w, r, s, err)
			return
		}
	}
	p.render(w, r, s, status, "copilot", pageData{Title: "Security Copilot", Nav: "copilot", Data: d})
}

// copilotAsk asks through copilot.Service.AskAs, as `soclab copilot ask` does, as the signed-in user.
func (p *Portal) copilotAsk(w http.ResponseWriter, r *http.Request, s *session) {
	prompt, sid := strings.TrimSpace(r.PostForm.Get("prompt")), r.PostForm.Get("session")
	if prompt == "" {
		p.showCopilot(w, r, s, http.StatusBadRequest, sid, prompt, "Type a prompt first.")
		return
	}
	if len(prompt) > 4000 {
		p.showCopilot(w, r, s, http.StatusBadRequest, sid, prompt, "A prompt is at most 4000 characters long.")
		return
	}
	// Copilot answers on behalf of the signed-in analyst (their Defender role decides what it reads).
	asked, err := p.cfg.Copilot.AskAs(r.Context(), s.TenantID, sid, prompt, s.UPN, copilot.Caller{UPN: s.UPN, ObjectID: s.ObjectID})
	if errors.Is(err, copilot.ErrNotFound) {
		p.notFound(w, r, s)
		return
	}
	if err != nil {
		p.fail(w, r, s, err)
		return
	}
	http.Redirect(w, r, "/copilot?session="+url.QueryEscape(asked.Session.ID)+"#latest", http.StatusSeeOther)
}
