package arena

// The default arena, 2000×2000 units: four bars guard the middle of each
// side and four blocks ring the open centre, so every spawn has cover
// nearby and the centre is the contested ground. The layout and the spawns
// are symmetric under quarter turns and mirroring, so no spawn is favoured.

func defaultWalls() []Rect {
	return []Rect{
		{800, 380, 1200, 440},   // north bar
		{800, 1560, 1200, 1620}, // south bar
		{380, 800, 440, 1200},   // west bar
		{1560, 800, 1620, 1200}, // east bar
		{640, 640, 760, 760},    // north-west block
		{1240, 640, 1360, 760},  // north-east block
		{640, 1240, 760, 1360},  // south-west block
		{1240, 1240, 1360, 1360},
	}
}

func defaultSpawns() []Point {
	return []Point{
		{150, 150}, {1850, 150}, {150, 1850}, {1850, 1850}, // corners
		{1000, 150}, {1000, 1850}, {150, 1000}, {1850, 1000}, // side middles
		{1000, 560}, {1000, 1440}, {560, 1000}, {1440, 1000}, // inside the bars
		{500, 500}, {1500, 500}, {500, 1500}, {1500, 1500}, // diagonals
	}
}
