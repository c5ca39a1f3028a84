package app

import (
	"image"

	"showcaster/scene"
	"showcaster/scene/overlay"
)

// OverlayComment is the scene id of a highlighted comment.
const OverlayComment = "comment"

// ShowCommentOnAir puts a viewer's comment on the program.
func (s *Studio) ShowCommentOnAir(c Comment) error {
	eng := s.currentEngine()
	if eng == nil {
		return ErrNotStarted
	}
	cfg := eng.Config()
	img := s.renderer.CommentHighlight(c.Viewer.Name, c.Text, cfg.Width, cfg.Height)
	corner := overlay.DefaultCorner
	if s.desk != nil {
		corner = s.desk.Corner()
	}
	at := overlay.CommentPosition(corner, img.Bounds().Size(), image.Pt(cfg.Width, cfg.Height))
	if err := eng.Scene().SetOverlay(scene.Overlay{ID: OverlayComment, Image: img, At: at, Z: 30, Visible: true}); err != nil {
		return err
	}
	s.mu.Lock()
	s.comment = true
	s.mu.Unlock()
	return nil
}

// TakeCommentOffAir removes the highlighted comment.
func (s *Studio) TakeCommentOffAir() {
	if eng := s.currentEngine(); eng != nil {
		eng.Scene().RemoveOverlay(OverlayComment)
	}
	s.mu.Lock()
	s.comment = false
	s.mu.Unlock()
}

// CommentOnAir reports whether a comment is on the program.
func (s *Studio) CommentOnAir() bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.comment
}
